using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using N2N.Adapters.Canonical;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Audit;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Node.Registry;
using N2N.Trust;

namespace N2N.ConformanceTests.Registry;

/// <summary>Regressions from the correctness review: who may speak for which country, ordering, national ids.</summary>
[TestClass]
public sealed class RegistryHardeningTests
{
    private static AeoRecord Record(string id, string nationalId = "1234567891") => new()
    {
        AeoId = id, Programme = "KR-AEO", Tier = "A", Status = AeoStatus.Valid, LegalName = $"Operator {id}", Address = "Busan",
        NationalIds = [new PartyIdentifier { Scheme = "KR-BRN", Value = nationalId }],
        ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2027, 12, 31), StatusDate = new DateOnly(2020, 1, 1),
    };

    private static AeoStatusList List(string listId, DateOnly asOf, params AeoRecord[] records) =>
        new() { IssuingCountry = "KR", ListId = listId, Kind = AeoListKind.Full, AsOf = asOf, Records = records };

    [TestMethod]
    public async Task PartnerSendsAListIssuedByAnotherCountry_RejectedNotAllowed_OurOwnRegistryUntouched()
    {
        var (tw, kr) = await TestNode.StartPairAsync("TW", "KR");
        await using var _ = tw;
        await using var __ = kr;
        Assert.IsTrue((await tw.Api.PutAsync("api/aeo/own", new ByteArrayContent(AdapterAssert.ReadData("aeo", "tw-aeo-list.json")))).IsSuccessStatusCode);

        var spoof = """
            {"documentType":"aeo.status-list","issuingCountry":"TW","listId":"SPOOF-1","kind":"full","asOf":"2026-11-01",
             "records":[{"aeoId":"999999999999","programme":"KR-AEO","tier":"AAA","status":"valid","legalName":"Fake Co","address":"x",
               "nationalIds":[{"scheme":"KR-BRN","value":"1234567891"}],"validFrom":"2020-01-01","validTo":"2030-01-01","statusDate":"2020-01-01"}]}
            """;
        var id = await kr.SendAsync("TW", "aeo.status-list", spoof);
        var final = await kr.WaitForFinalStateAsync(id);
        Assert.AreEqual(OutboxState.Rejected, final.State);
        Assert.AreEqual(ReasonCodes.NotAllowed, final.Receipt!.ReasonCode);

        Assert.IsTrue((await tw.Api.GetFromJsonAsync<AeoAnswer>("api/aeo/TW/TWAEO-000123?date=2026-11-26", AeoVerdict.Json))!.Valid, "our own operator is untouched");
        Assert.AreEqual("unknown", (await tw.Api.GetFromJsonAsync<AeoAnswer>("api/aeo/TW/999999999999?date=2026-11-26", AeoVerdict.Json))!.Status);
    }

    [TestMethod]
    public async Task HandlersRunOutOfOrder_RegistryAppliesInLogOrder()
    {
        var folder = Directory.CreateTempSubdirectory("n2n-order-").FullName;
        using var key = TestKeys.NewCredential();
        var store = new SqliteExchangeStore(Path.Combine(folder, "n2n.db"), new TreeHeadSigner(key));
        await store.InitializeAsync(CancellationToken.None);
        var registry = new SqliteAeoRegistry(Path.Combine(folder, "n2n.db"));
        await registry.InitializeAsync(CancellationToken.None);
        var first = List("L5", new DateOnly(2026, 1, 1), Record("X"), Record("Y"));
        var second = List("L6", new DateOnly(2026, 2, 1), Record("X"));
        foreach (var list in new[] { first, second })
        {
            await store.AppendAsync(new LogEntryDraft
            {
                Time = DateTimeOffset.UtcNow, Direction = Direction.In, Partner = "KR", MessageId = Guid.NewGuid().ToString("D"), DocumentType = AeoStatusList.TypeName,
                Transport = "grpc", Raw = Encoding.UTF8.GetBytes(list.ListId), Verdict = Verdict.Accepted, AdapterId = "kr.customs.aeo-list/1", CanonicalJson = CanonicalJson.Serialize(list),
            }, CancellationToken.None);
        }

        using var updater = new AeoRegistryUpdater(registry, store, new PartnerDirectory([]), Replayer.AllBindings());
        // Both handlers run, the later list's first (as concurrent commits allow): L5 must still be applied before L6.
        AcceptedMessage Accepted(long index, AeoStatusList list) =>
            new(index, "KR", new ExchangeHeader(Guid.NewGuid(), "c", "KR", "TW", AeoStatusList.TypeName, DateTimeOffset.UtcNow), list, key.Certificate, DateTimeOffset.UtcNow);
        await updater.HandleAsync(Accepted(1, second), CancellationToken.None);
        await updater.HandleAsync(Accepted(0, first), CancellationToken.None);

        Assert.AreEqual("unknown", (await registry.QueryAsync("KR", "Y", new DateOnly(2026, 3, 1), CancellationToken.None)).Status, "L6 dropped Y");
        Assert.IsTrue((await registry.QueryAsync("KR", "X", new DateOnly(2026, 3, 1), CancellationToken.None)).Valid);
    }

    [TestMethod]
    public async Task NationalIdMovedToAnotherAeoId_LookupFollowsTheLatestRecord()
    {
        var registry = new SqliteAeoRegistry(Path.Combine(Directory.CreateTempSubdirectory("n2n-nid-").FullName, "n2n.db"));
        await registry.InitializeAsync(CancellationToken.None);
        var before = List("L1", new DateOnly(2026, 1, 1), Record("A1"));
        var after = List("L2", new DateOnly(2026, 2, 1), Record("A2"));
        await registry.ApplyAsync(before, new AeoProvenance("partner", "L1", "full", before.AsOf, 1, "m1", "KR", DateTimeOffset.UnixEpoch), CancellationToken.None);
        await registry.ApplyAsync(after, new AeoProvenance("partner", "L2", "full", after.AsOf, 2, "m2", "KR", DateTimeOffset.UnixEpoch), CancellationToken.None);

        var now = await registry.QueryAsync("KR", "KR-BRN:1234567891", new DateOnly(2026, 3, 1), CancellationToken.None);
        Assert.IsTrue(now.Valid, now.Reason);
        Assert.AreEqual("A2", now.Record!.AeoId);
        Assert.AreEqual("A1", (await registry.QueryAsync("KR", "KR-BRN:1234567891", new DateOnly(2026, 1, 15), CancellationToken.None)).Record!.AeoId, "as it stood then");
    }
}
