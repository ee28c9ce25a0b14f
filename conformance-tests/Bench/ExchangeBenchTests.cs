using System.Text.Json;
using N2N.ConformanceTests.Hosting;

namespace N2N.ConformanceTests.Bench;

/// <summary><c>n2n bench</c> end to end in smoke mode: every step runs against real nodes and reports numbers that add up.</summary>
[TestClass]
public sealed class ExchangeBenchTests
{
    [TestMethod]
    public async Task Bench_Smoke_ReportsEveryStepForBothBindings()
    {
        var file = Path.Combine(Path.GetTempPath(), $"n2n-bench-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output) = await TestKeys.RunCliAsync("bench", "--smoke", "--exchanges", "24", "--concurrency", "4", "--output", file);
            Assert.AreEqual(0, exit, output);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "grpc", "soap" }, results.Select(r => r.GetProperty("binding").GetString()).ToArray());
            foreach (var result in results)
            {
                var binding = result.GetProperty("binding").GetString();
                Assert.AreEqual(24, result.GetProperty("exchanges").GetInt32(), binding);
                var rate = result.GetProperty("exchangesPerSecond").GetDouble();
                var ceiling = result.GetProperty("ceilingAllCores").GetDouble();
                Assert.IsGreaterThan(0d, rate, binding);
                Assert.IsGreaterThan(0d, ceiling, binding);
                Assert.AreEqual(rate / ceiling, result.GetProperty("ratioToCeiling").GetDouble(), 1e-9, binding);
                // Measured before the pipeline runs and again after them; the ratio is against the higher.
                var ceilingRuns = result.GetProperty("ceilingAllCoresRuns").EnumerateArray().Select(r => r.GetDouble()).ToList();
                Assert.AreEqual(2, ceilingRuns.Count, binding);
                Assert.IsTrue(ceilingRuns.All(r => r > 0), binding);
                Assert.AreEqual(ceilingRuns.Max(), ceiling, binding);
                Assert.IsLessThanOrEqualTo(result.GetProperty("p99Ms").GetDouble(), result.GetProperty("p50Ms").GetDouble(), binding);

                // The bound from crypto and transport alone can never exceed either of them.
                var transport = result.GetProperty("transportOnly");
                var bound = transport.GetProperty("boundPerSecond").GetDouble();
                Assert.IsGreaterThan(0d, transport.GetProperty("exchangesPerSecond").GetDouble(), binding);
                Assert.IsLessThan(Math.Min(ceiling, transport.GetProperty("exchangesPerSecond").GetDouble()), bound, binding);
                Assert.AreEqual(bound / ceiling, transport.GetProperty("boundRatio").GetDouble(), 1e-9, binding);

                // Crypto over the transport, measured: a bare server that verifies and signs, rated against the same ceiling.
                var cryptoOverTransport = result.GetProperty("cryptoOverTransport");
                var signedRate = cryptoOverTransport.GetProperty("exchangesPerSecond").GetDouble();
                Assert.IsGreaterThan(0d, signedRate, binding);
                Assert.IsGreaterThan(0d, cryptoOverTransport.GetProperty("cpuMsPerExchange").GetDouble(), binding);
                Assert.AreEqual(signedRate / ceiling, cryptoOverTransport.GetProperty("ratioToCeiling").GetDouble(), 1e-9, binding);

                // The node's own work, each part alone, and what it adds up to with crypto over transport.
                var nodeWork = result.GetProperty("nodeWorkAlone");
                var translationMs = nodeWork.GetProperty("translationCpuMsPerExchange").GetDouble();
                var logMs = nodeWork.GetProperty("logCpuMsPerExchange").GetDouble();
                Assert.IsGreaterThan(0d, translationMs, binding);
                Assert.IsGreaterThan(0d, logMs, binding);
                Assert.IsGreaterThan(0d, nodeWork.GetProperty("logCommitsPerSecond").GetDouble(), binding);
                Assert.AreEqual(cryptoOverTransport.GetProperty("cpuMsPerExchange").GetDouble() + translationMs + logMs,
                    nodeWork.GetProperty("predictedCpuMsPerExchange").GetDouble(), 1e-9, binding);

                // Paired rounds: each run is rated against the ceilings measured just before and just after it, each
                // ceiling run shared by the runs either side of it, and a series reports the median of its runs' ratios.
                var paired = result.GetProperty("paired");
                Assert.AreEqual(1, paired.GetProperty("rounds").GetInt32(), binding);
                var series = new[] { "pipeline", "floor", "floorInSqlite", "floorWithNodeLog" }.Select(name => paired.GetProperty(name)).ToList();
                var runs = series.Select(s => s.GetProperty("runs").EnumerateArray().Single()).ToList();
                for (var i = 0; i < runs.Count; i++)
                {
                    double Value(string name) => runs[i].GetProperty(name).GetDouble();
                    Assert.IsTrue(new[] { "ceilingBefore", "exchangesPerSecond", "ceilingAfter", "cpuMsPerExchange" }.All(name => Value(name) > 0), binding);
                    Assert.AreEqual(Value("exchangesPerSecond") / ((Value("ceilingBefore") + Value("ceilingAfter")) / 2), series[i].GetProperty("ratio").GetDouble(), 1e-9, binding);
                    Assert.AreEqual(Value("cpuMsPerExchange"), series[i].GetProperty("cpuMsPerExchange").GetDouble(), 1e-9, binding);
                    if (i > 0)
                    {
                        Assert.AreEqual(runs[i - 1].GetProperty("ceilingAfter").GetDouble(), Value("ceilingBefore"), binding);
                    }
                }

                Assert.IsGreaterThanOrEqualTo(1d, paired.GetProperty("floorAppendsPerFlush").GetDouble(), binding);
                Assert.IsGreaterThanOrEqualTo(1d, paired.GetProperty("floorInSqliteAppendsPerFlush").GetDouble(), binding);
                Assert.IsGreaterThanOrEqualTo(1d, paired.GetProperty("floorWithNodeLogAppendsPerCommit").GetDouble(), binding);

                Assert.AreEqual(24, result.GetProperty("halfLoad").GetProperty("exchanges").GetInt32(), binding);
                var nodeToNode = result.GetProperty("nodeToNode");
                Assert.AreEqual(100, nodeToNode.GetProperty("messages").GetInt32(), binding);
                Assert.IsGreaterThan(0d, nodeToNode.GetProperty("messagesPerSecond").GetDouble(), binding);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestMethod]
    public async Task Bench_ZeroRounds_IsAUsageError()
    {
        var (exit, output) = await TestKeys.RunCliAsync("bench", "--smoke", "--rounds", "0");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "--rounds must be at least 1");
    }
}
