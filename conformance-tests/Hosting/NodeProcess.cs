using System.Diagnostics;

namespace N2N.ConformanceTests.Hosting;

/// <summary>A node as a real operating-system process (<c>dotnet n2n.dll serve</c>), so a test can kill -9 it.</summary>
public sealed class NodeProcess : IDisposable
{
    private static readonly string N2nDll = Path.Combine(AppContext.BaseDirectory, "n2n.dll");
    private Process? _process;

    public NodeProcess(TestNode node) => Node = node;

    public TestNode Node { get; }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { N2nDll, "serve", "--data", Node.Folder.Root })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        await Eventually.ThatAsync(async () =>
        {
            Assert.IsFalse(_process.HasExited, $"{Node.NodeId} exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            try
            {
                return (await http.GetAsync(Node.Config.SoapUrl + "/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => $"{Node.NodeId} did not come up at {Node.Config.SoapUrl}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut for the node's process.</summary>
    public void Kill()
    {
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Kill();
        }
    }
}
