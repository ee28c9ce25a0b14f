using System.Text.Json;

namespace N2N.Node.Configuration;

/// <summary>The files of a node's data folder, in one place.</summary>
public sealed class DataFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string ConfigFile => Path.Combine(Root, "node.json");

    public string ProfileFile => Path.Combine(Root, "profile.json");

    public string PartnersDirectory => Path.Combine(Root, "partners");

    public string Database => Path.Combine(Root, "n2n.db");

    public string JobsDatabase => Path.Combine(Root, "jobs.db");

    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    public bool IsInitialized => File.Exists(ConfigFile);

    /// <summary>Reads and validates node.json.</summary>
    /// <exception cref="ConfigurationException">Missing, unreadable or invalid, with every problem listed.</exception>
    public NodeConfig LoadConfig()
    {
        if (!File.Exists(ConfigFile))
        {
            throw new ConfigurationException($"{ConfigFile} not found: run 'n2n init --node XX --data {Root}' first");
        }

        NodeConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<NodeConfig>(File.ReadAllText(ConfigFile), NodeConfig.Json);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{ConfigFile}: {e.Message}");
        }

        if (config is null)
        {
            throw new ConfigurationException($"{ConfigFile} is empty");
        }

        var errors = config.Validate();
        return errors.Count == 0 ? config : throw new ConfigurationException($"{ConfigFile}: " + string.Join("; ", errors));
    }

    public void SaveConfig(NodeConfig config) => WriteJson(ConfigFile, config);

    /// <summary>Where retired signing certificates are kept: old tree heads and messages still verify against them.</summary>
    public string RetiredKeysDirectory => Path.Combine(Root, "keys", "retired");

    /// <summary>Our current signing certificate and every retired one.</summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> OurCertificates(NodeConfig config)
    {
        var files = new List<string>();
        if (Directory.Exists(RetiredKeysDirectory))
        {
            files.AddRange(Directory.GetFiles(RetiredKeysDirectory, "*.crt.pem").Order(StringComparer.Ordinal));
        }

        var current = Resolve(config.CertificateFile);
        var certificates = files.Select(f => N2N.Trust.Keys.KeyFiles.ReadCertificate(File.ReadAllText(f))).ToList();
        if (current.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
        {
            certificates.Add(N2N.Trust.Keys.KeyFiles.ReadCertificate(File.ReadAllText(current)));
        }
        else
        {
            using var credential = N2N.Trust.Keys.KeyFiles.Load(current, null, config.KeyPassword);
            certificates.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(credential.Certificate.RawData));
        }

        return certificates;
    }

    internal static void WriteJson<T>(string path, T value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write then rename, so a crash never leaves a half-written configuration.
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(value, NodeConfig.Json));
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>A configuration or usage problem (CLI exit code 2).</summary>
public sealed class ConfigurationException(string message) : Exception(message);
