using System.Text.Json;
using N2N.ConformanceTests.Hosting;

namespace N2N.ConformanceTests.Audit;

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
}
