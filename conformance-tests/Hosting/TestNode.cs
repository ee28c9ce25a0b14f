using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using N2N.Node.Api;
using N2N.Node.Cli;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Hosting;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Hosting;

/// <summary>A real node: its own data folder, keys and SQLite files, Kestrel on a free 127.0.0.1 port.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private WebApplication? _app;

    private TestNode(string nodeId, DataFolder folder, NodeConfig config)
    {
        NodeId = nodeId;
        Folder = folder;
        Config = config;
        Api = new HttpClient(NodeApiClient.OwnNodeHandler(folder, config)) { BaseAddress = new Uri(config.SoapUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add(BackendApi.ApiKeyHeader, config.ApiKey);
    }

    public string NodeId { get; }
    public DataFolder Folder { get; }
    public NodeConfig Config { get; }
    public HttpClient Api { get; }
    public IExchangeStore Store => _app!.Services.GetRequiredService<IExchangeStore>();
    public IServiceProvider Services => _app!.Services;

    /// <summary>Runs <c>init</c> in a fresh temp folder with free loopback ports (the node is not started).</summary>
    public static TestNode Create(string nodeId, KeyKind keyKind = KeyKind.EcdsaP256, bool tls = false)
    {
        var folder = new DataFolder(Path.Combine(Path.GetTempPath(), "n2n-tests", $"{nodeId.ToLowerInvariant()}-{Guid.NewGuid():N}"));
        var config = LoopbackPorts.InitializeNode(folder, nodeId, keyKind, tls);
        return new TestNode(nodeId, folder, config);
    }

    /// <summary>Two nodes that have imported each other's profiles.</summary>
    public static async Task<(TestNode A, TestNode B)> StartPairAsync(string a, string b)
    {
        var first = Create(a);
        var second = Create(b);
        first.AddPartner(second);
        second.AddPartner(first);
        await first.StartAsync();
        await second.StartAsync();
        return (first, second);
    }

    public void AddPartner(TestNode partner) => PartnerDirectory.Import(Folder, Config, partner.Folder.ProfileFile);

    /// <summary>Imports the partner's profile with the transport forced (what a bilateral agreement could say).</summary>
    public void AddPartner(TestNode partner, TransportKind transport, IReadOnlyDictionary<string, DocumentRoute>? documents = null)
    {
        var profile = JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(partner.Folder.ProfileFile), NodeConfig.Json)! with { Transport = transport, Documents = documents };
        var file = Path.Combine(Folder.Root, $"import-{partner.NodeId}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(profile, NodeConfig.Json));
        PartnerDirectory.Import(Folder, Config, file);
    }

    /// <summary>The route for a test partner that exchanges ECFA certificates in CN's format (a second sender beside TW).</summary>
    public static IReadOnlyDictionary<string, DocumentRoute> EcfaInCnFormat { get; } =
        new Dictionary<string, DocumentRoute> { ["ecfa.co"] = new() { Adapter = "cn.customs.ecfa-co/1" } };

    /// <summary>Edits an imported partner profile (before start): a test's own retry policy or endpoint.</summary>
    public void EditPartner(string country, Func<PartnerProfile, PartnerProfile> edit) => PartnerDirectory.Edit(Folder, country, edit);

    /// <summary>Fast retries for tests: the schedule is the node's, the waits are short.</summary>
    public static DeliveryPolicy QuickRetries(int attempts) => new()
    {
        Attempts = attempts, InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), Timeout = TimeSpan.FromSeconds(2),
    };

    public NodeCredential LoadCredential() =>
        KeyFiles.Load(Folder.Resolve(Config.CertificateFile), Folder.Resolve(Config.KeyFile!), null);

    public async Task StartAsync()
    {
        _app = await NodeHost.BuildAsync(Folder.Root, new NodeHostOptions { MinimumLogLevel = LogLevel.Warning }, CancellationToken.None);
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Queues a document through the backend API, as a national system would.</summary>
    public async Task<HttpResponseMessage> PostOutboxAsync(string to, string type, string document, string? format = null) =>
        await Api.PostAsJsonAsync("api/outbox", new OutboxRequest(to, type, document, format, null));

    public async Task<Guid> SendAsync(string to, string type, string document)
    {
        var response = await PostOutboxAsync(to, type, document);
        var body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetGuid();
    }

    /// <summary>Waits (bounded) until the outbox message reaches a final state, and returns it.</summary>
    public async Task<OutboxMessage> WaitForFinalStateAsync(Guid messageId, TimeSpan? timeout = null)
    {
        OutboxMessage? message = null;
        await Eventually.ThatAsync(async () =>
        {
            message = await Store.GetOutboxAsync(messageId, CancellationToken.None);
            return message?.State is OutboxState.Delivered or OutboxState.Rejected or OutboxState.Dead;
        }, timeout ?? TimeSpan.FromSeconds(30), () => $"message {messageId} is {message?.State} ({message?.LastError})");
        return message!;
    }

    public async Task<IReadOnlyList<LogEntry>> LogAsync() => await Store.ListAsync(new LogQuery(), CancellationToken.None);

    /// <summary>The node's store opened from its files: works whether the node runs in this process, in another, or not at all.</summary>
    public async Task<IExchangeStore> OpenFileStoreAsync()
    {
        var store = new SqliteExchangeStore(Folder.Database, new TreeHeadSigner(LoadCredential()));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public string SoapUrlFor(string senderNodeId) => $"{Config.SoapUrl}/n2n/{senderNodeId.ToLowerInvariant()}/soap";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Api.Dispose();
        try
        {
            Directory.Delete(Folder.Root, recursive: true);
        }
        catch (IOException)
        {
            // A lingering SQLite handle on a temp folder is not worth failing a test over.
        }
    }
}

/// <summary>Waiting on a condition with a bound, never on a fixed sleep.</summary>
public static class Eventually
{
    public static async Task ThatAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not met within {timeout.TotalSeconds:0}s: {describe()}");
            }

            await Task.Delay(50);
        }
    }
}
