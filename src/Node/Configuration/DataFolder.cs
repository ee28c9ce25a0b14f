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

    /// <summary>Our published profile (profile.json): endpoints and our certificate history with trust windows.</summary>
    public NodeProfile LoadOwnProfile() =>
        File.Exists(ProfileFile)
            ? JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(ProfileFile), NodeConfig.Json) ?? throw new ConfigurationException($"{ProfileFile} is empty")
            : throw new ConfigurationException($"{ProfileFile} not found: run 'n2n init' first");

    /// <summary>Every certificate we have signed with (current and retired): old tree heads and messages still verify.</summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> OurCertificates() =>
        [.. LoadOwnProfile().Certificates.Select(c => N2N.Trust.Keys.KeyFiles.ReadCertificate(c.Pem))];

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
