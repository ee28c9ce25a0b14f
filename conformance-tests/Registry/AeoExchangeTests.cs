using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Cli;
using N2N.Node.Delivery;
using N2N.Node.Log;
using N2N.Node.Registry;

namespace N2N.ConformanceTests.Registry;

/// <summary>KR and TW nodes on 127.0.0.1 (gRPC per the KR agreement): lists, deltas, officer answers, live queries.</summary>
[TestClass]
public sealed class AeoExchangeTests
{
    private static readonly DateOnly Day = new(2026, 11, 26);
    private static TestNode s_tw = null!;
    private static TestNode s_kr = null!;
    private static Guid s_listId;
    private static Guid s_deltaId;

    [ClassInitialize]
    public static async Task ExchangeListsAsync(TestContext context)
    {
        (s_tw, s_kr) = await TestNode.StartPairAsync("TW", "KR");
        s_listId = await s_kr.SendAsync("TW", "aeo.status-list", File.ReadAllText(AdapterAssert.DataPath("aeo", "kr", "status-list-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await s_kr.WaitForFinalStateAsync(s_listId)).State);
        s_deltaId = await s_kr.SendAsync("TW", "aeo.status-list", File.ReadAllText(AdapterAssert.DataPath("aeo", "kr", "status-list-002-delta.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await s_kr.WaitForFinalStateAsync(s_deltaId)).State);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_tw.DisposeAsync();
        await s_kr.DisposeAsync();
    }

    [TestMethod]
    public async Task Registry_ListThenDeltaOverGrpc_ValidAndRevokedWithTheirLogIndexes()
    {
        var entries = await s_tw.LogAsync();
        var listIndex = entries.Single(e => e.Draft.MessageId == s_listId.ToString()).Index;
        var deltaIndex = entries.Single(e => e.Draft.MessageId == s_deltaId.ToString()).Index;
        Assert.IsTrue(entries.Where(e => e.Draft.DocumentType == "aeo.status-list").All(e => e.Draft.Transport == "grpc"));

        var valid = await AskAsync("220300123456");
        Assert.IsTrue(valid.Valid, valid.Reason);
        Assert.AreEqual("AAA", valid.Record!.Tier);
        Assert.AreEqual(listIndex, valid.Provenance!.LogIndex);
        Assert.AreEqual(s_listId.ToString(), valid.Provenance.MessageId);
        StringAssert.Contains(valid.Provenance.SignedBy, "C=KR");

        var revoked = await AskAsync("190500654321");
        Assert.IsFalse(revoked.Valid);
        Assert.AreEqual("revoked", revoked.Status);
        Assert.AreEqual(deltaIndex, revoked.Provenance!.LogIndex);

        // As of the day before the delta, the full list still said "suspended".
        var before = await AskAsync("190500654321", new DateOnly(2026, 11, 25));
        Assert.AreEqual("suspended", before.Status);
        Assert.AreEqual(listIndex, before.Provenance!.LogIndex);
    }

    [TestMethod]
    public async Task Rebuild_FromLogAlone_SameStateAndSameAnswers()
    {
        var answers = new[] { await AskAsync("220300123456"), await AskAsync("190500654321"), await AskAsync("KR-BRN:1234567891") };
        var updater = s_tw.Services.GetRequiredService<AeoRegistryUpdater>();
        var (before, after, lists) = await updater.RebuildAsync(CancellationToken.None);
        Assert.AreEqual(before, after);
        Assert.AreEqual(2, lists);
        Assert.IsFalse(after.StartsWith("0 rows", StringComparison.Ordinal), after);
        var again = new[] { await AskAsync("220300123456"), await AskAsync("190500654321"), await AskAsync("KR-BRN:1234567891") };
        CollectionAssert.AreEqual(answers.Select(Json).ToList(), again.Select(Json).ToList());
    }

    [TestMethod]
    public async Task LiveQuery_TwAsksKr_AnsweredFromKrsOwnList_SignedByKr_LoggedOnBothSides()
    {
        var load = await s_kr.Api.PutAsync("api/aeo/own", new ByteArrayContent(AdapterAssert.ReadData("aeo", "kr", "status-list-001.xml")));
        Assert.IsTrue(load.IsSuccessStatusCode, await load.Content.ReadAsStringAsync());

        var answer = await s_tw.Api.GetFromJsonAsync<AeoAnswer>($"api/aeo/KR/220300123456?date={Day:yyyy-MM-dd}&live=true", AeoVerdict.Json);
        Assert.IsTrue(answer!.Valid, answer.Reason);
        Assert.AreEqual("live", answer.Provenance!.Source);
        StringAssert.Contains(answer.Provenance.SignedBy, "C=KR");

        var twEntries = await s_tw.LogAsync();
        var response = twEntries.Single(e => e.Index == answer.Provenance.LogIndex);
        Assert.AreEqual("aeo.status-response", response.Draft.DocumentType);
        Assert.AreEqual(Direction.In, response.Draft.Direction);
        var query = twEntries.Single(e => e.Draft.MessageId == response.Draft.RelatedMessageId);
        Assert.AreEqual(Direction.Out, query.Draft.Direction);

        var krEntries = await s_kr.LogAsync();
        Assert.IsTrue(krEntries.Any(e => e.Draft.MessageId == query.Draft.MessageId && e.Draft.Direction == Direction.In && e.Draft.Verdict == Verdict.Accepted), "KR logged the query");
        var krResponse = krEntries.Single(e => e.Draft.MessageId == response.Draft.MessageId);
        Assert.AreEqual(Direction.Out, krResponse.Draft.Direction);
        CollectionAssert.AreEqual(krResponse.Draft.Raw, response.Draft.Raw, "both sides hold the same signed answer");
    }

    [TestMethod]
    public async Task CliVerify_ValidExit0_RevokedExit1_UnknownExit1_WithProvenance()
    {
        var valid = await RunCliAsync("aeo", "verify", "--country", "KR", "--id", "220300123456", "--date", "2026-11-26", "--data", s_tw.Folder.Root);
        Assert.AreEqual(0, valid.Exit, valid.Output);
        StringAssert.Contains(valid.Output, "VALID");
        StringAssert.Contains(valid.Output, "tier AAA");
        StringAssert.Contains(valid.Output, $"message {s_listId}");
        StringAssert.Contains(valid.Output, "signed by CN=N2N Node KR");

        Assert.AreEqual(1, (await RunCliAsync("aeo", "verify", "--country", "KR", "--id", "190500654321", "--date", "2026-11-26", "--data", s_tw.Folder.Root)).Exit);
        var unknown = await RunCliAsync("aeo", "verify", "--country", "KR", "--id", "999999999999", "--data", s_tw.Folder.Root);
        Assert.AreEqual(1, unknown.Exit);
        StringAssert.Contains(unknown.Output, "NOT VALID (unknown)");
    }

    [TestMethod]
    public async Task CliPublish_FullThenDeltaSince_KrReceivesTwListInKrFormat_OnlyChangesInDelta()
    {
        var load = await RunCliAsync("aeo", "load", "--file", AdapterAssert.DataPath("aeo", "tw-aeo-list.json"), "--data", s_tw.Folder.Root);
        Assert.AreEqual(0, load.Exit, load.Output);

        var full = await RunCliAsync("aeo", "publish", "--to", "KR", "--wait", "--data", s_tw.Folder.Root);
        Assert.AreEqual(0, full.Exit, full.Output);
        var krView = await s_kr.Api.GetFromJsonAsync<AeoAnswer>("api/aeo/TW/TWAEO-000123?date=2026-11-26", AeoVerdict.Json);
        Assert.IsTrue(krView!.Valid, krView.Reason);
        var received = (await s_kr.LogAsync()).Single(e => e.Index == krView.Provenance!.LogIndex);
        Assert.AreEqual("kr.customs.aeo-list/1", received.Draft.AdapterId, "TW's list travels in Korea's format");

        var delta = await RunCliAsync("aeo", "publish", "--to", "KR", "--delta-since", "2026-10-01", "--json", "--data", s_tw.Folder.Root);
        Assert.AreEqual(0, delta.Exit, delta.Output);
        var queued = JsonDocument.Parse(delta.Output).RootElement;
        Assert.AreEqual("delta", queued.GetProperty("kind").GetString());
        Assert.AreEqual(1, queued.GetProperty("records").GetInt32(), "only TWAEO-000456 changed status since 2026-10-01");
    }

    [TestMethod]
    public async Task CliRebuild_SameState_ReportedAsSame()
    {
        var rebuild = await RunCliAsync("aeo", "rebuild", "--json", "--data", s_tw.Folder.Root);
        Assert.AreEqual(0, rebuild.Exit, rebuild.Output);
        Assert.IsTrue(JsonDocument.Parse(rebuild.Output).RootElement.GetProperty("same").GetBoolean(), rebuild.Output);
    }

    private static async Task<AeoAnswer> AskAsync(string id, DateOnly? date = null) =>
        (await s_tw.Api.GetFromJsonAsync<AeoAnswer>($"api/aeo/KR/{Uri.EscapeDataString(id)}?date={date ?? Day:yyyy-MM-dd}", AeoVerdict.Json))!;

    private static string Json(AeoAnswer answer) => JsonSerializer.Serialize(answer, AeoVerdict.Json);

    private static Task<(int Exit, string Output)> RunCliAsync(params string[] args) => TestKeys.RunCliAsync(args);
}
