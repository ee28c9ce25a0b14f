using System.Diagnostics;
using System.Text;
using System.Text.Json;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Cli;

/// <summary>The README's session, command for command, with each node a real process.</summary>
[TestClass]
public sealed class CliSessionTests
{
    private static string FreeUrl => $"http://127.0.0.1:{N2N.Node.Hosting.LoopbackPorts.Free()}";

    private static readonly string N2nDll = Path.Combine(AppContext.BaseDirectory, "n2n.dll");
    private readonly List<Process> _servers = [];
    private string _root = null!;

    [TestInitialize]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("n2n-cli-").FullName;

    [TestCleanup]
    public void StopServers()
    {
        foreach (var server in _servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(10_000);
            }

            server.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    [TestMethod]
    public async Task Session_TwSendsCoToCn_AcceptedAndBothLogsHoldTheExactBytes()
    {
        string tw = Path.Combine(_root, "tw"), cn = Path.Combine(_root, "cn");
        var (twSoap, twGrpc, cnSoap, cnGrpc) = (FreeUrl, FreeUrl, FreeUrl, FreeUrl);
        await AssertExit(0, "init", "--node", "TW", "--data", tw, "--soap-url", twSoap, "--grpc-url", twGrpc);
        await AssertExit(0, "init", "--node", "CN", "--data", cn, "--soap-url", cnSoap, "--grpc-url", cnGrpc);
        await AssertExit(0, "partners", "add", Path.Combine(cn, "profile.json"), "--data", tw);
        await AssertExit(0, "partners", "add", Path.Combine(tw, "profile.json"), "--data", cn);
        await StartServerAsync(cn, cnSoap);
        await StartServerAsync(tw, twSoap);

        var send = await RunAsync("send", "--data", tw, "--to", "CN", "--type", "ecfa.co", "--file", AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml"), "--wait");
        Assert.AreEqual(0, send.Exit, send.Text + send.Error);
        StringAssert.Contains(send.Text, "Accepted");
        StringAssert.Contains(send.Text, "receiver log index 0, tree size 1, root ");
        var messageId = send.Text.Split('\n')[0].Replace("message ", "", StringComparison.Ordinal).Trim();

        var list = await RunAsync("log", "list", "--data", cn, "--json");
        Assert.AreEqual(0, list.Exit, list.Error);
        var inbound = JsonDocument.Parse(list.Text).RootElement.EnumerateArray().Single();
        Assert.AreEqual(messageId, inbound.GetProperty("messageId").GetString());
        Assert.AreEqual("Accepted", inbound.GetProperty("verdict").GetString());
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"),
            Encoding.UTF8.GetBytes(inbound.GetProperty("canonical").GetRawText()), "canonical via CLI");

        var sentRaw = await RunAsync("log", "show", messageId, "--raw", "--data", tw);
        var receivedRaw = await RunAsync("log", "show", messageId, "--raw", "--data", cn);
        Assert.AreEqual(0, sentRaw.Exit, sentRaw.Error);
        CollectionAssert.AreEqual(receivedRaw.Bytes, sentRaw.Bytes, "the bytes TW sent are the bytes CN logged");
        var envelope = Encoding.UTF8.GetString(sentRaw.Bytes);
        StringAssert.StartsWith(envelope, "<?xml");
        StringAssert.Contains(envelope, WsNames.EcdsaSha256);
        StringAssert.Contains(envelope, $"urn:uuid:{messageId}");
    }

    [TestMethod]
    public async Task Send_InvalidDocument_OneLineReasonExit1_UsageErrorsExit2()
    {
        var tw = Path.Combine(_root, "tw");
        var twSoap = FreeUrl;
        await AssertExit(0, "init", "--node", "TW", "--data", tw, "--soap-url", twSoap, "--grpc-url", FreeUrl);
        var cn = Path.Combine(_root, "cn");
        await AssertExit(0, "init", "--node", "CN", "--data", cn, "--soap-url", FreeUrl, "--grpc-url", FreeUrl);
        await AssertExit(0, "partners", "add", Path.Combine(cn, "profile.json"), "--data", tw);
        await StartServerAsync(tw, twSoap);

        var refused = await RunAsync("send", "--data", tw, "--to", "CN", "--type", "ecfa.co", "--file", AdapterAssert.DataPath("ecfa-co", "invalid", "co-hs-6-digits.xml"));
        Assert.AreEqual(1, refused.Exit);
        Assert.AreEqual(1, refused.Error.Trim().Split('\n').Length, refused.Error);
        StringAssert.Contains(refused.Error, "RULE_VIOLATION item.hs-code");

        Assert.AreEqual(2, (await RunAsync("init", "--data", Path.Combine(_root, "x"))).Exit, "init without --node");
        Assert.AreEqual(2, (await RunAsync("init", "--node", "TW", "--data", tw)).Exit, "init over an existing node");
        Assert.AreEqual(2, (await RunAsync("log", "list", "--data", Path.Combine(_root, "nothing"))).Exit, "no node.json");
        Assert.AreEqual(2, (await RunAsync("partners", "add", Path.Combine(_root, "missing.json"), "--data", tw)).Exit);
    }

    private async Task StartServerAsync(string data, string url)
    {
        var server = Process.Start(StartInfo("serve", "--data", data))!;
        _servers.Add(server);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        using var http = new HttpClient();
        await Eventually.ThatAsync(async () =>
        {
            Assert.IsFalse(server.HasExited, $"n2n serve --data {data} exited with {(server.HasExited ? server.ExitCode : 0)}");
            try
            {
                return (await http.GetAsync(url + "/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => $"node at {url} did not come up");
    }

    private static async Task AssertExit(int expected, params string[] args)
    {
        var result = await RunAsync(args);
        Assert.AreEqual(expected, result.Exit, $"n2n {string.Join(' ', args)}: {result.Text}{result.Error}");
    }

    private static async Task<(int Exit, byte[] Bytes, string Text, string Error)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        await copy;
        return (process.ExitCode, stdout.ToArray(), Encoding.UTF8.GetString(stdout.ToArray()), await error);
    }

    private static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(N2nDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
