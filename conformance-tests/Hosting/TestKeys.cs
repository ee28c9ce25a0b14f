using N2N.Node.Cli;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Hosting;

/// <summary>Keys and CLI runs that many tests need, in one place.</summary>
public static class TestKeys
{
    /// <summary>A fresh dev key in its own temp folder; the files stay for tests that need the PEM paths.</summary>
    public static NodeCredential NewCredential(string nodeId = "TW", KeyKind kind = KeyKind.EcdsaP256) => NewCredential(nodeId, kind, out _);

    public static NodeCredential NewCredential(string nodeId, KeyKind kind, out string folder)
    {
        folder = Directory.CreateTempSubdirectory("n2n-key-").FullName;
        KeyFiles.GenerateDevKey(nodeId, kind, Path.Combine(folder, "c.pem"), Path.Combine(folder, "k.pem"), DateTimeOffset.UtcNow, TimeSpan.FromDays(30));
        return KeyFiles.Load(Path.Combine(folder, "c.pem"), Path.Combine(folder, "k.pem"));
    }

    /// <summary>Runs an <c>n2n</c> verb in this process (the same code as the binary), capturing both streams.</summary>
    public static async Task<(int Exit, string Output)> RunCliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output + error.ToString());
    }
}
