using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using N2N.Node.Api;
using N2N.Node.Audit;
using N2N.Node.Delivery;
using N2N.Node.Cli;
using N2N.Node.Configuration;
using N2N.Node.Hosting;
using N2N.Node.Log;
using N2N.Node.Registry;
using N2N.Trust.Keys;

namespace N2N.Node.Demo;

/// <summary>
/// <c>n2n demo</c>: TW, CN and KR nodes on loopback exchange a certificate of origin over SOAP and AEO data over gRPC,
/// then each node's log is summarised. Every step checks its own outcome; the exit code is 0 only if all did.
/// </summary>
internal static class DemoCommand
{
    private static readonly DateOnly s_day = new(2026, 11, 26);

    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the nodes' temp folders for a look afterwards" };
        var command = new Command("demo", "Three nodes on loopback: CO over SOAP, AEO lists and live queries over gRPC, then audit, replay and receipts check") { keep };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var root = Directory.CreateTempSubdirectory("n2n-demo-").FullName;
            var story = new Story(context.Out);
            var nodes = new List<DemoNode>();
            try
            {
                context.Out.WriteLine($"N2N demo: three single-window nodes on 127.0.0.1 (data in {root})");
                nodes.AddRange(await DemoNode.StartAllAsync(root, ["TW", "CN", "KR"], cancellationToken));
                var (tw, cn, kr) = (nodes[0], nodes[1], nodes[2]);
                await RunAsync(story, tw, cn, kr, cancellationToken);
                await SummariseAsync(story, nodes, cancellationToken);
            }
            finally
            {
                foreach (var node in nodes)
                {
                    await node.DisposeAsync();
                }

                if (!parse.GetValue(keep))
                {
                    Directory.Delete(root, recursive: true);
                }
            }

            context.Out.WriteLine();
            context.Out.WriteLine(story.Failures == 0 ? $"demo passed: all {story.Steps} steps did what they should" : $"demo FAILED: {story.Failures} of {story.Steps} steps did not");
            return story.Failures == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static async Task RunAsync(Story story, DemoNode tw, DemoNode cn, DemoNode kr, CancellationToken cancellationToken)
    {
        story.Chapter("1. Taiwan issues an ECFA certificate of origin; it travels to China over SOAP + WS-Security");
        var co = await tw.SendAsync("CN", "ecfa.co", Sample("tw-co-001.xml"), cancellationToken);
        story.Check(co.Delivered, $"TW -> CN ecfa.co {co.Id}: {co.Summary}");
        var cnInbox = await cn.Api.GetFromJsonAsync<JsonElement>("api/inbox", cancellationToken);
        story.Check(cnInbox.EnumerateArray().Any(e => e.GetProperty("messageId").GetString() == co.Id.ToString()
                && e.GetProperty("canonical").GetProperty("certificateNumber").GetString() == "ECFA-TW-115-0001234"),
            "CN holds it in its inbox in canonical form (certificate ECFA-TW-115-0001234), stored as received in the mainland format");

        story.Chapter("2. Korea sends its AEO list to Taiwan over gRPC + COSE_Sign1, then a delta");
        story.Check(await kr.LoadOwnAsync(Sample("kr-status-list-001.xml"), cancellationToken), "KR's national system loads KR's full list (2 operators) into the KR node");
        var list = await kr.SendAsync("TW", "aeo.status-list", Sample("kr-status-list-001.xml"), cancellationToken);
        story.Check(list.Delivered, $"KR -> TW aeo.status-list (full) {list.Id}: {list.Summary}");
        story.Check(await kr.LoadOwnAsync(Sample("kr-status-list-002-delta.xml"), cancellationToken), "KR's national system loads a delta: 190500654321 revoked");
        var delta = await kr.SendAsync("TW", "aeo.status-list", Sample("kr-status-list-002-delta.xml"), cancellationToken);
        story.Check(delta.Delivered, $"KR -> TW aeo.status-list (delta) {delta.Id}: {delta.Summary}");

        story.Chapter("3. A Taiwan AEO officer verifies Korean operators");
        var valid = await tw.VerifyAsync("KR", "220300123456", live: false, cancellationToken);
        story.Check(valid?.Valid == true && valid.Record?.Tier == "AAA" && valid.Provenance?.MessageId == list.Id.ToString(),
            $"local: KR 220300123456 -> {Describe(valid)}");
        var revoked = await tw.VerifyAsync("KR", "190500654321", live: false, cancellationToken);
        story.Check(revoked is { Valid: false, Status: "revoked" } && revoked.Provenance?.MessageId == delta.Id.ToString(),
            $"local: KR 190500654321 -> {Describe(revoked)}");
        var byBrn = await tw.VerifyAsync("KR", "KR-BRN:1234567891", live: false, cancellationToken);
        story.Check(byBrn?.Valid == true, $"local, by business number KR-BRN:1234567891 -> {Describe(byBrn)}");
        var live = await tw.VerifyAsync("KR", "220300123456", live: true, cancellationToken);
        story.Check(live?.Valid == true && live.Provenance?.Source == "live", $"live (TW asks KR's node now): KR 220300123456 -> {Describe(live)}");

        story.Chapter("4. Taiwan publishes its own AEO list to Korea, in Korea's format, over gRPC");
        story.Check(await tw.LoadOwnAsync(Sample("tw-aeo-list.json"), cancellationToken), "TW's national system loads TW's list (2 operators)");
        var published = await tw.PublishAsync("KR", cancellationToken);
        story.Check(published.Delivered, $"TW -> KR aeo.status-list {published.Id}: {published.Summary}");
        var twOperator = await kr.VerifyAsync("TW", "TWAEO-000123", live: false, cancellationToken);
        story.Check(twOperator?.Valid == true, $"a KR officer: TW TWAEO-000123 -> {Describe(twOperator)}");
        var liveFromKr = await kr.VerifyAsync("TW", "TWAEO-000456", live: true, cancellationToken);
        story.Check(liveFromKr is { Valid: false, Status: "suspended" }, $"a KR officer, live: TW TWAEO-000456 -> {Describe(liveFromKr)}");
    }

    private static async Task SummariseAsync(Story story, List<DemoNode> nodes, CancellationToken cancellationToken)
    {
        story.Chapter("5. Audit: every node's log verified, every message replayed, every receipt held to its partner's log");
        foreach (var node in nodes)
        {
            var report = await LogAuditor.VerifyAsync(node.Store, node.Folder.OurCertificates(), cancellationToken);
            story.Check(report.Clean, $"{node.Id} audit verify: {report.Entries} entries, {report.TreeHeads} signed tree heads, " +
                (report.Clean ? "clean" : string.Join("; ", report.Findings.Select(f => f.Detail))));

            var replayer = Replayer.ForDataFolder(node.Folder);
            var results = new List<ReplayResult>();
            await foreach (var entry in node.Store.ReadAllAsync(cancellationToken))
            {
                results.Add(replayer.Replay(entry));
            }

            var identical = results.Count(r => r.Outcome == ReplayOutcome.Identical);
            story.Check(results.All(r => r.Outcome is ReplayOutcome.Identical or ReplayOutcome.Skipped),
                $"{node.Id} replay: {identical} of {results.Count} messages re-verified and re-translated identically");
        }

        var tw = nodes[0];
        var twConfig = tw.Folder.LoadConfig();
        using var twKey = KeyFiles.Load(tw.Folder.Resolve(twConfig.CertificateFile), tw.Folder.Resolve(twConfig.KeyFile!));
        var twPartners = PartnerDirectory.Load(tw.Folder);
        var receipts = await new ReceiptChecker(twConfig, twKey, new Transport.PartnerConnections(null, () => twPartners.All), TimeProvider.System).CheckAsync(
            await tw.Store.ListOutboxAsync(OutboxState.Delivered, cancellationToken), twPartners, cancellationToken);
        story.Check(receipts.Count > 0 && receipts.All(r => r.Ok),
            $"TW receipts check: {receipts.Count(r => r.Ok)} of {receipts.Count} receipts from CN and KR proven against their logs (inclusion + consistency)");
    }

    private static string Describe(AeoAnswer? a) => a is null ? "no answer" :
        $"{(a.Valid ? "VALID" : "NOT VALID")} ({a.Status}{(a.Record?.Tier is { } t ? $", tier {t}" : "")}); " +
        (a.Provenance is { } p ? $"{(p.Source == "live" ? "signed live answer" : $"list {p.ListId}")}, log index {p.LogIndex}, signed by {p.SignedBy}" : "no provenance");

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Demo", "data", name));

    /// <summary>Prints the story and counts what did not happen as it should.</summary>
    private sealed class Story(TextWriter output)
    {
        public int Steps { get; private set; }
        public int Failures { get; private set; }

        public void Chapter(string title)
        {
            output.WriteLine();
            output.WriteLine(title);
        }

        public void Check(bool ok, string line)
        {
            Steps++;
            Failures += ok ? 0 : 1;
            output.WriteLine($"  [{(ok ? " ok " : "FAIL")}] {line}");
        }
    }

    /// <summary>One demo node: initialised in a temp folder on free ports, hosted in this process.</summary>
    private sealed class DemoNode : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private DemoNode(string id, WebApplication app, HttpClient api, IExchangeStore store, DataFolder folder)
        {
            (Id, _app, Api, Store, Folder) = (id, app, api, store, folder);
        }

        public string Id { get; }
        public HttpClient Api { get; }
        public IExchangeStore Store { get; }
        public DataFolder Folder { get; }

        /// <summary>Initialises every node, imports profiles between each pair that has a bilateral agreement, then starts them.</summary>
        public static async Task<List<DemoNode>> StartAllAsync(string root, string[] ids, CancellationToken cancellationToken)
        {
            var folders = ids.ToDictionary(id => id, id => new DataFolder(Path.Combine(root, id.ToLowerInvariant())));
            var configs = ids.ToDictionary(id => id, id => LoopbackPorts.InitializeNode(folders[id], id));
            var agreements = ReferenceAgreement.LoadShipped();
            foreach (var id in ids)
            {
                foreach (var other in ids.Where(o => o != id && ReferenceAgreement.Find(agreements, id, o) is not null))
                {
                    PartnerDirectory.Import(folders[id], configs[id], folders[other].ProfileFile);
                }
            }

            var nodes = new List<DemoNode>();
            foreach (var id in ids)
            {
                var app = await NodeHost.BuildAsync(folders[id].Root, new NodeHostOptions { MinimumLogLevel = LogLevel.Error }, cancellationToken);
                await app.StartAsync(cancellationToken);
                var api = new HttpClient { BaseAddress = new Uri(configs[id].SoapUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
                api.DefaultRequestHeaders.Add(BackendApi.ApiKeyHeader, configs[id].ApiKey);
                nodes.Add(new DemoNode(id, app, api, (IExchangeStore)app.Services.GetService(typeof(IExchangeStore))!, folders[id]));
            }

            return nodes;
        }

        public async Task<(Guid Id, bool Delivered, string Summary)> SendAsync(string to, string type, byte[] document, CancellationToken cancellationToken)
        {
            var response = await Api.PostAsJsonAsync("api/outbox", new OutboxRequest(to, type, System.Text.Encoding.UTF8.GetString(document), null, null), cancellationToken);
            return await FollowAsync(response, cancellationToken);
        }

        public async Task<(Guid Id, bool Delivered, string Summary)> PublishAsync(string to, CancellationToken cancellationToken) =>
            await FollowAsync(await Api.PostAsJsonAsync("api/aeo/publish", new PublishRequest(to, null), cancellationToken), cancellationToken);

        public async Task<bool> LoadOwnAsync(byte[] list, CancellationToken cancellationToken) =>
            (await Api.PutAsync("api/aeo/own", new ByteArrayContent(list), cancellationToken)).IsSuccessStatusCode;

        public async Task<AeoAnswer?> VerifyAsync(string country, string id, bool live, CancellationToken cancellationToken)
        {
            var response = await Api.GetAsync($"api/aeo/{country}/{Uri.EscapeDataString(id)}?date={s_day:yyyy-MM-dd}&live={live.ToString().ToLowerInvariant()}", cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AeoAnswer>(AeoVerdict.Json, cancellationToken) : null;
        }

        private async Task<(Guid Id, bool Delivered, string Summary)> FollowAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (Guid.Empty, false, "refused: " + NodeApiClient.Reason((int)response.StatusCode, body));
            }

            var id = body.GetProperty("messageId").GetGuid();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var status = await Api.GetFromJsonAsync<JsonElement>($"api/outbox/{id}", cancellationToken);
                var state = status.GetProperty("state").GetString();
                if (state is "delivered" or "rejected" or "dead" || DateTime.UtcNow > deadline)
                {
                    var receipt = status.GetProperty("receipt");
                    var summary = receipt.ValueKind == JsonValueKind.Object
                        ? $"{receipt.GetProperty("status").GetString()}, signed receipt: entry {receipt.GetProperty("logIndex").GetInt64()} of the receiver's log, tree size {receipt.GetProperty("treeSize").GetInt64()}"
                        : $"{state}: {status.GetProperty("lastError")}";
                    return (id, state == "delivered", summary);
                }

                await Task.Delay(100, cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
