using N2N.Adapters.Canonical;
using N2N.Node.Registry;

namespace N2N.ConformanceTests.Registry;

[TestClass]
public sealed class SqliteAeoRegistryTests
{
    private static AeoRecord Record(string id, string status = AeoStatus.Valid) => new()
    {
        AeoId = id, Programme = "KR-AEO", Tier = "A", Status = status, LegalName = $"Operator {id}", Address = "Busan",
        NationalIds = [new PartyIdentifier { Scheme = "KR-BRN", Value = "1234567891" }],
        ValidFrom = new DateOnly(2020, 1, 1), ValidTo = new DateOnly(2027, 12, 31), StatusDate = new DateOnly(2020, 1, 1),
    };

    private static AeoStatusList List(string listId, string kind, DateOnly asOf, params AeoRecord[] records) =>
        new() { IssuingCountry = "KR", ListId = listId, Kind = kind, AsOf = asOf, Records = records };

    private static AeoProvenance From(AeoStatusList list, long index) => new("partner", list.ListId, list.Kind, list.AsOf, index, $"m-{index}", "CN=KR", DateTimeOffset.UnixEpoch);

    private static async Task<IAeoRegistry> NewRegistryAsync()
    {
        var registry = new SqliteAeoRegistry(Path.Combine(Directory.CreateTempSubdirectory("n2n-aeo-").FullName, "n2n.db"));
        await registry.InitializeAsync(CancellationToken.None);
        return registry;
    }

    [TestMethod]
    public async Task FullList_DropsOperatorMissingFromIt_PastDatesAnsweredAsTheyStood()
    {
        var registry = await NewRegistryAsync();
        var first = List("L1", AeoListKind.Full, new DateOnly(2026, 1, 1), Record("A"), Record("B"));
        var second = List("L2", AeoListKind.Full, new DateOnly(2026, 6, 1), Record("A"));
        await registry.ApplyAsync(first, From(first, 0), CancellationToken.None);
        await registry.ApplyAsync(second, From(second, 1), CancellationToken.None);

        var now = await registry.QueryAsync("KR", "B", new DateOnly(2026, 7, 1), CancellationToken.None);
        Assert.AreEqual("unknown", now.Status);
        StringAssert.Contains(now.Reason, "not on KR's list L2");
        var then = await registry.QueryAsync("KR", "B", new DateOnly(2026, 3, 1), CancellationToken.None);
        Assert.IsTrue(then.Valid);
        Assert.AreEqual("L1", then.Provenance!.ListId);
        Assert.AreEqual("unknown", (await registry.QueryAsync("KR", "A", new DateOnly(2025, 12, 31), CancellationToken.None)).Status, "before any list");
    }

    [TestMethod]
    public async Task Delta_AmendsOnlyItsOperators_AndExpiryIsJudgedOnTheDate()
    {
        var registry = await NewRegistryAsync();
        var full = List("L1", AeoListKind.Full, new DateOnly(2026, 1, 1), Record("A"), Record("B"));
        var delta = List("D1", AeoListKind.Delta, new DateOnly(2026, 2, 1), Record("B", AeoStatus.Suspended));
        await registry.ApplyAsync(full, From(full, 0), CancellationToken.None);
        await registry.ApplyAsync(delta, From(delta, 1), CancellationToken.None);

        Assert.IsTrue((await registry.QueryAsync("KR", "A", new DateOnly(2026, 3, 1), CancellationToken.None)).Valid);
        Assert.AreEqual(AeoStatus.Suspended, (await registry.QueryAsync("KR", "B", new DateOnly(2026, 3, 1), CancellationToken.None)).Status);
        var expired = await registry.QueryAsync("KR", "A", new DateOnly(2028, 1, 1), CancellationToken.None);
        Assert.IsFalse(expired.Valid);
        Assert.AreEqual(AeoStatus.Expired, expired.Status);
    }

    [TestMethod]
    public async Task OwnList_FullThenDelta_MergedForPublishing()
    {
        var registry = await NewRegistryAsync();
        var full = List("O1", AeoListKind.Full, new DateOnly(2026, 1, 1), Record("A"), Record("B"));
        var delta = List("O2", AeoListKind.Delta, new DateOnly(2026, 2, 1), Record("B", AeoStatus.Revoked), Record("C"));
        await registry.ApplyAsync(full, From(full, 0) with { Source = "own", LogIndex = null }, CancellationToken.None);
        await registry.ApplyAsync(delta, From(delta, 0) with { Source = "own", LogIndex = null }, CancellationToken.None);

        var own = await registry.OwnListAsync("KR", CancellationToken.None);
        Assert.AreEqual(AeoListKind.Full, own!.Kind);
        CollectionAssert.AreEqual(new[] { "A", "B", "C" }, own.Records.Select(r => r.AeoId).ToArray());
        Assert.AreEqual(AeoStatus.Revoked, own.Records.Single(r => r.AeoId == "B").Status);
    }
}
