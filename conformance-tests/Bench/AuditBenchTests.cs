using System.Text.Json;
using N2N.ConformanceTests.Hosting;

namespace N2N.ConformanceTests.Bench;

/// <summary><c>n2n bench audit</c> end to end on a small log: it builds, audits clean and counts what it built.</summary>
[TestClass]
public sealed class AuditBenchTests
{
    [TestMethod]
    public async Task BenchAudit_SmallLog_AuditsCleanWithOneSignedHeadPerEntry()
    {
        var (exit, output) = await TestKeys.RunCliAsync("bench", "audit", "--entries", "3000", "--raw-bytes", "256", "--json");
        Assert.AreEqual(0, exit, output);
        using var json = JsonDocument.Parse(output);
        var result = json.RootElement;
        Assert.AreEqual(3000, result.GetProperty("entries").GetInt32());
        Assert.AreEqual(3000, result.GetProperty("treeHeads").GetInt32(), "every head streamed past the audit");
        Assert.IsTrue(result.GetProperty("auditClean").GetBoolean());
        Assert.IsGreaterThan(0d, result.GetProperty("auditEntriesPerMinute").GetDouble());
        Assert.IsGreaterThan(0d, result.GetProperty("proofMilliseconds").GetDouble());
    }

    [TestMethod]
    public async Task BenchAudit_EntriesPerHead_SignsAHeadPerGroupAndAtTheEnd()
    {
        var (exit, output) = await TestKeys.RunCliAsync("bench", "audit", "--entries", "3000", "--raw-bytes", "256", "--entries-per-head", "32", "--json");
        Assert.AreEqual(0, exit, output);
        using var json = JsonDocument.Parse(output);
        var result = json.RootElement;
        Assert.AreEqual(32, result.GetProperty("entriesPerHead").GetInt32());
        // Heads at 32, 64, ... 2,976, and the commit's own at 3,000.
        Assert.AreEqual(3000 / 32 + 1, result.GetProperty("treeHeads").GetInt32());
        Assert.IsTrue(result.GetProperty("auditClean").GetBoolean());
    }

    [TestMethod]
    public async Task BenchAudit_ZeroEntriesPerHead_IsAUsageError()
    {
        var (exit, output) = await TestKeys.RunCliAsync("bench", "audit", "--entries", "10", "--entries-per-head", "0");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "--entries-per-head must be at least 1");
    }
}
