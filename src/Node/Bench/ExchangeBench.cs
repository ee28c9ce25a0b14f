using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using N2N.Node.Cli;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Hosting;
using N2N.Node.Transport.Grpc;
using N2N.Node.Transport.Soap;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;
using N2N.Trust.WsSecurity;

namespace N2N.Node.Bench;

/// <summary>One binding's results: the crypto ceiling, the receiving pipeline against it, and node to node.</summary>
/// <param name="CeilingAllCoresRuns">The all-cores ceiling measured before the pipeline runs and after them; <paramref name="CeilingAllCores"/> is the higher.</param>
public sealed record BindingResult(
    string Binding,
    double CeilingSingleCore,
    double CeilingAllCores,
    int Exchanges,
    int Concurrency,
    double ExchangesPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double CpuMsPerExchange,
    double KiBAllocatedPerExchange,
    double RatioToCeiling,
    LatencyAtRate? HalfLoad = null,
    NodeToNodeResult? NodeToNode = null,
    TransportOnlyResult? TransportOnly = null,
    IReadOnlyList<double>? CeilingAllCoresRuns = null,
    CryptoOverTransportResult? CryptoOverTransport = null,
    NodeWorkAloneResult? NodeWorkAlone = null,
    PairedRatios? Paired = null);

/// <summary>
/// Ratios from rates taken seconds apart, not minutes: rounds in which the pipeline and three floors each run between
/// two short runs of the all-cores crypto ceiling, and are rated against the mean of the two. This VM's speed changed
/// by 2-3x within minutes, which moved the ratio of rates measured minutes apart from 19 % to 37 % in one afternoon.
/// The floor is the least any node could do for an exchange, on a bare server: verify, translate, append the envelope
/// and the canonical JSON to a plain file flushed before the receipt (<see cref="FloorLog.ToFile"/>), sign the receipt.
/// The floor in SQLite appends the same to the least log SQLite allows (<see cref="FloorLog.ToSqlite"/>: one INSERT per
/// entry, one synced commit per group), which bounds any node keeping its log in its embedded store. The floor with
/// the node's log commits to the node's own SQLite log instead, receipt signed inside the commit as the pipeline does:
/// the differences between the floors are what each log costs in a loaded process.
/// </summary>
/// <param name="FloorAppendsPerFlush">How many appends each of the floor's flushes covered, over the rounds.</param>
/// <param name="FloorInSqliteAppendsPerFlush">The same for the floor in SQLite's commits.</param>
/// <param name="FloorWithNodeLogAppendsPerCommit">The same for the node's log under the floor with the node's log: its group commits.</param>
/// <remarks>The node sits idle in the process while the ceiling runs here, which can only lower the ceiling and so raise the ratios.</remarks>
public sealed record PairedRatios(
    int Rounds, PairedSeries Pipeline, PairedSeries Floor, PairedSeries FloorInSqlite, PairedSeries FloorWithNodeLog,
    double FloorAppendsPerFlush, double FloorInSqliteAppendsPerFlush, double FloorWithNodeLogAppendsPerCommit);

/// <summary>One contender's runs in the paired rounds: <paramref name="Ratio"/> is the median of theirs, <paramref name="CpuMsPerExchange"/> the mean.</summary>
public sealed record PairedSeries(double Ratio, double CpuMsPerExchange, IReadOnlyList<PairedRun> Runs)
{
    /// <summary>The series of <paramref name="runs"/>.</summary>
    public static PairedSeries Of(IReadOnlyList<PairedRun> runs)
    {
        var ratios = runs.Select(r => r.Ratio).Order().ToArray();
        var median = ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[ratios.Length / 2 - 1] + ratios[ratios.Length / 2]) / 2;
        return new PairedSeries(median, runs.Average(r => r.CpuMsPerExchange), runs);
    }
}

/// <summary>One short run: exchanges per second and CPU per exchange, with the all-cores ceiling measured just before and just after it.</summary>
public sealed record PairedRun(double CeilingBefore, double ExchangesPerSecond, double CeilingAfter, double CpuMsPerExchange)
{
    /// <summary>The rate over the mean of the ceilings either side of it.</summary>
    public double Ratio => ExchangesPerSecond / ((CeilingBefore + CeilingAfter) / 2);
}

/// <summary>
/// The same clients and server stack with no signing, verifying, translating or logging: a fixed reply to a fixed
/// envelope. <paramref name="BoundPerSecond"/> is what crypto and transport alone would allow if their costs simply added,
/// 1 / (1/ceiling + 1/transport), and <paramref name="BoundRatio"/> that against the ceiling; measured together
/// (<see cref="CryptoOverTransportResult"/>) they come out lower.
/// </summary>
public sealed record TransportOnlyResult(double ExchangesPerSecond, double CpuMsPerExchange, double BoundPerSecond, double BoundRatio);

/// <summary>
/// The same clients and server stack where the server only verifies each envelope and signs a receipt: the four crypto
/// operations of an exchange over the transport, measured together, with no translating, logging or node around them.
/// <paramref name="RatioToCeiling"/> bounds what a receiving pipeline can reach here, up to run-to-run noise.
/// </summary>
public sealed record CryptoOverTransportResult(double ExchangesPerSecond, double CpuMsPerExchange, double KiBAllocatedPerExchange, double RatioToCeiling);

/// <summary>
/// The node's own work on an exchange, each part measured alone: translating the document (CN XML to canonical, the
/// rules, RFC 8785) on all cores, and committing its log entry durably at the run's concurrency with a ready-made receipt.
/// <paramref name="PredictedCpuMsPerExchange"/> adds both to crypto over transport: what the pipeline would cost if the parts simply added.
/// </summary>
public sealed record NodeWorkAloneResult(double TranslationCpuMsPerExchange, double LogCpuMsPerExchange, double LogCommitsPerSecond, double PredictedCpuMsPerExchange);

/// <summary>Latency when exchanges are offered at a fixed rate (open loop), not as fast as possible.</summary>
/// <param name="GcPauses">Garbage collections during the run (all generations), and <paramref name="GcPauseMs"/> the time they paused the process.</param>
public sealed record LatencyAtRate(double OfferedPerSecond, double AchievedPerSecond, int Exchanges, double P50Ms, double P95Ms, double P99Ms, int GcPauses, double GcPauseMs);

/// <summary>Messages sent by a real TW node (outbox, Hangfire job, signing, delivery, receipt check, log) to the CN node.</summary>
/// <param name="HalfRateP50Ms">Queued to delivered (receipt verified and logged at TW), with messages offered at <paramref name="HalfRate"/>.</param>
public sealed record NodeToNodeResult(int Messages, double MessagesPerSecond, double HalfRate, double HalfRateP50Ms, double HalfRateP95Ms, double HalfRateP99Ms);

/// <summary>
/// <c>n2n bench</c>: for each binding, the crypto ceiling on this machine (sender signs, receiver verifies, receiver
/// signs the receipt, sender verifies it); then N exchanges against a CN node on loopback, where the bench signs as TW
/// and the node verifies, translates, commits durably and answers with a signed receipt that the bench verifies;
/// latency at half that rate; the transport alone and crypto over the transport on a bare server, which bound what any
/// node could do here; and messages sent node to node by a real TW node through its outbox.
/// </summary>
internal static class ExchangeBench
{
    public static void AddTo(Command bench)
    {
        var count = new Option<int>("--exchanges") { Description = "Exchanges per binding", DefaultValueFactory = _ => 4000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Exchanges in flight", DefaultValueFactory = _ => 32 };
        var only = new Option<string?>("--binding") { Description = "soap or grpc (default both)" };
        var duration = new Option<int>("--duration") { Description = "Soak: run gRPC load for this many seconds, reporting memory every 10 s (0 = no soak)", DefaultValueFactory = _ => 0 };
        var soakExchanges = new Option<long>("--soak-exchanges") { Description = "Soak: stop once this many exchanges are done, if that comes before --duration (0 = run for the whole duration)", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output") { Description = "Also write the results as JSON to this file" };
        var rounds = new Option<int>("--rounds") { Description = "Paired rounds per binding: more rounds narrow the medians on a noisy machine (--smoke runs one)", DefaultValueFactory = _ => 5 };
        var smoke = new Option<bool>("--smoke") { Description = "Run every step in seconds, with no warm-up and short ceiling runs: checks the bench works, the numbers are not a measurement" };
        bench.Options.Add(count);
        bench.Options.Add(concurrency);
        bench.Options.Add(only);
        bench.Options.Add(duration);
        bench.Options.Add(soakExchanges);
        bench.Options.Add(output);
        bench.Options.Add(rounds);
        bench.Options.Add(smoke);
        bench.SetHandler(async (parse, context, cancellationToken) =>
        {
            if (parse.GetValue(rounds) < 1)
            {
                context.Error.WriteLine("bench: --rounds must be at least 1");
                return ExitCodes.Usage;
            }

            var root = Directory.CreateTempSubdirectory("n2n-bench-").FullName;
            try
            {
                var bindings = parse.GetValue(only) is { } b ? [b] : new[] { "grpc", "soap" };
                var (n, inFlight) = (parse.GetValue(count), parse.GetValue(concurrency));
                await using var rig = Rig.Prepare(root, inFlight, parse.GetValue(smoke), context.Error);
                // Ceilings first, with no node running in this process: its threads and heaps depressed them before.
                // Progress goes to stderr, so a long run shows where it is and stdout stays the results.
                var ceilings = bindings.ToDictionary(binding => binding, binding =>
                {
                    context.Error.WriteLine($"bench: {binding} crypto ceiling (warming up until the JIT settles)");
                    var (single, all) = Ceiling(binding, rig);
                    return new CeilingRates(single, AllBefore: all);
                });
                await rig.StartReceiverAsync(cancellationToken);
                var runs = new List<(BindingResult Run, BindingResult Transport, BindingResult CryptoOverTransport, BindingResult Translation, BindingResult Log)>();
                foreach (var binding in bindings)
                {
                    context.Error.WriteLine($"bench: {binding} receiver pipeline, {n} exchanges at concurrency {inFlight}");
                    var run = await rig.PushAsync(binding, n, inFlight, cancellationToken);
                    context.Error.WriteLine($"bench: {binding} latency at half that rate");
                    var half = await rig.PushAtRateAsync(binding, run.ExchangesPerSecond / 2, Math.Min(n, Math.Max(200, (int)(run.ExchangesPerSecond / 2 * 10))), cancellationToken);
                    context.Error.WriteLine($"bench: {binding} paired rounds: the pipeline and the floors (the least a node could do, with a plain file, a one-statement SQLite log and the node's log), each between ceiling runs");
                    var paired = await rig.PairedAsync(binding, inFlight, parse.GetValue(rounds), cancellationToken);
                    // After the half-rate run, which follows the warm pipeline directly: this starts a server of its own.
                    context.Error.WriteLine($"bench: {binding} transport alone (fixed envelope, fixed reply)");
                    var transport = await rig.TransportOnlyAsync(binding, n, inFlight, cancellationToken);
                    context.Error.WriteLine($"bench: {binding} crypto over transport (verify, sign a receipt, nothing else)");
                    var cryptoOverTransport = await rig.CryptoOverTransportAsync(binding, n, inFlight, cancellationToken);
                    context.Error.WriteLine($"bench: {binding} the node's work alone (translation, then the durable log)");
                    var (translation, log) = await rig.NodeWorkAloneAsync(binding, n, inFlight, cancellationToken);
                    context.Error.WriteLine($"bench: {binding} node to node");
                    var nodeToNode = await rig.NodeToNodeAsync(binding, Math.Max(100, n / 4), inFlight, cancellationToken);
                    runs.Add((run with { HalfLoad = half, NodeToNode = nodeToNode, Paired = paired }, transport, cryptoOverTransport, translation, log));
                }

                // The ceilings again, after the pipelines and with the node stopped: a ceiling measured in a slow moment of a
                // shared VM once came out below what the pipeline then did (a ratio over 100 %). Noise can only lower a
                // ceiling, so the higher of the two is the machine's.
                await rig.StopReceiverAsync();
                foreach (var binding in bindings)
                {
                    context.Error.WriteLine($"bench: {binding} crypto ceiling again");
                    var (single, all) = Ceiling(binding, rig);
                    ceilings[binding] = ceilings[binding] with { Single = Math.Max(single, ceilings[binding].Single), AllAfter = all };
                }

                var results = new List<BindingResult>();
                foreach (var (run, transport, cryptoOverTransport, translation, log) in runs)
                {
                    var (binding, ceiling, half, nodeToNode) = (run.Binding, ceilings[run.Binding], run.HalfLoad!, run.NodeToNode!);
                    var bound = 1 / (1 / ceiling.All + 1 / transport.ExchangesPerSecond);
                    var result = run with
                    {
                        CeilingSingleCore = ceiling.Single, CeilingAllCores = ceiling.All, CeilingAllCoresRuns = [ceiling.AllBefore, ceiling.AllAfter],
                        RatioToCeiling = run.ExchangesPerSecond / ceiling.All,
                        TransportOnly = new TransportOnlyResult(transport.ExchangesPerSecond, transport.CpuMsPerExchange, bound, bound / ceiling.All),
                        CryptoOverTransport = new CryptoOverTransportResult(cryptoOverTransport.ExchangesPerSecond, cryptoOverTransport.CpuMsPerExchange,
                            cryptoOverTransport.KiBAllocatedPerExchange, cryptoOverTransport.ExchangesPerSecond / ceiling.All),
                        NodeWorkAlone = new NodeWorkAloneResult(translation.CpuMsPerExchange, log.CpuMsPerExchange, log.ExchangesPerSecond,
                            cryptoOverTransport.CpuMsPerExchange + translation.CpuMsPerExchange + log.CpuMsPerExchange),
                    };
                    results.Add(result);
                    context.Out.WriteLine($"{binding}: ceiling {ceiling.Single:N0}/s on 1 core, {ceiling.All:N0}/s on {Environment.ProcessorCount} (best of {ceiling.AllBefore:N0}/s before the pipeline runs and {ceiling.AllAfter:N0}/s after); " +
                        $"receiver pipeline {result.ExchangesPerSecond:N0}/s at concurrency {result.Concurrency} ({result.RatioToCeiling:P0} of the ceiling), " +
                        $"p50 {result.P50Ms:0.0} ms, p95 {result.P95Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, CPU {result.CpuMsPerExchange:0.00} ms and {result.KiBAllocatedPerExchange:N0} KiB allocated per exchange");
                    context.Out.WriteLine($"{binding}: transport alone {transport.ExchangesPerSecond:N0}/s (CPU {transport.CpuMsPerExchange:0.00} ms per exchange); " +
                        $"crypto and transport together allow at most {result.TransportOnly.BoundPerSecond:N0}/s = {result.TransportOnly.BoundRatio:P0} of the ceiling");
                    context.Out.WriteLine($"{binding}: crypto over transport (a bare server verifies each envelope and signs a receipt) {result.CryptoOverTransport.ExchangesPerSecond:N0}/s = " +
                        $"{result.CryptoOverTransport.RatioToCeiling:P0} of the ceiling, CPU {result.CryptoOverTransport.CpuMsPerExchange:0.00} ms and {result.CryptoOverTransport.KiBAllocatedPerExchange:N0} KiB allocated per exchange");
                    context.Out.WriteLine($"{binding}: the node's work alone: translation {result.NodeWorkAlone.TranslationCpuMsPerExchange:0.000} ms CPU per exchange, " +
                        $"durable log {result.NodeWorkAlone.LogCpuMsPerExchange:0.000} ms ({result.NodeWorkAlone.LogCommitsPerSecond:N0} commits/s); " +
                        $"with crypto over transport {result.NodeWorkAlone.PredictedCpuMsPerExchange:0.00} ms, against the pipeline's {result.CpuMsPerExchange:0.00} ms");
                    var paired = result.Paired!;
                    static string Series(string name, PairedSeries series) =>
                        $"{name} {series.Ratio:P0} of the ceiling (runs {string.Join(", ", series.Runs.Select(r => $"{r.ExchangesPerSecond:N0}/s = {r.Ratio:P0}"))}), CPU {series.CpuMsPerExchange:0.00} ms per exchange";
                    context.Out.WriteLine($"{binding}: paired rounds, medians of {paired.Rounds}, each run between two ceiling runs: {Series("pipeline", paired.Pipeline)}; " +
                        $"{Series("floor (verify, translate, flushed append to a plain file, sign)", paired.Floor)}, {paired.FloorAppendsPerFlush:0.0} appends per flush; " +
                        $"{Series("floor in SQLite (the same append as one INSERT, one synced commit per group)", paired.FloorInSqlite)}, {paired.FloorInSqliteAppendsPerFlush:0.0} appends per commit; " +
                        $"{Series("floor with the node's SQLite log", paired.FloorWithNodeLog)}, {paired.FloorWithNodeLogAppendsPerCommit:0.0} appends per commit");
                    context.Out.WriteLine($"{binding}: at half that rate ({half.OfferedPerSecond:N0}/s offered, {half.AchievedPerSecond:N0}/s done) p50 {half.P50Ms:0.0} ms, p95 {half.P95Ms:0.0} ms, p99 {half.P99Ms:0.0} ms; " +
                        $"{half.GcPauses} GCs paused the process {half.GcPauseMs:0} ms in all");
                    context.Out.WriteLine($"{binding}: node to node (TW outbox, signed delivery, CN, receipt verified and logged at TW): {nodeToNode.MessagesPerSecond:N0} messages/s, " +
                        $"at half that rate queued-to-delivered p50 {nodeToNode.HalfRateP50Ms:0.0} ms, p95 {nodeToNode.HalfRateP95Ms:0.0} ms, p99 {nodeToNode.HalfRateP99Ms:0.0} ms");
                }

                if (parse.GetValue(duration) > 0)
                {
                    await rig.StartReceiverAsync(cancellationToken);
                }

                var soak = parse.GetValue(duration) > 0 ? await rig.SoakAsync(parse.GetValue(duration), parse.GetValue(soakExchanges), inFlight, context.Out, cancellationToken) : [];
                var report = new
                {
                    date = DateTimeOffset.UtcNow,
                    machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
                    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                    peakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024),
                    results,
                    soak,
                };
                context.Out.WriteLine($"peak working set {report.peakWorkingSetMiB:N0} MiB; {report.machine}; {report.runtime}");
                if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, Api.BackendApi.Json), cancellationToken);
                }

                if (context.Json)
                {
                    context.WriteJson(report);
                }

                return ExitCodes.Ok;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(root, recursive: true);
            }
        });
    }

    private static IMessageBinding Wire(string binding) => binding == "grpc" ? new GrpcBinding() : new SoapBinding(XmlLimits.Default);

    /// <summary>A header for an exchange the bench sends as TW to CN.</summary>
    private static ExchangeHeader BenchHeader(DateTimeOffset now) => new(Guid.NewGuid(), "bench", "TW", "CN", "ecfa.co", now);

    /// <summary>
    /// The receipt CN signs for a bench exchange outside a node: accepted, for the envelope with
    /// <paramref name="receivedDigest"/>, at <paramref name="position"/> when a log holds it and a fixed position otherwise.
    /// </summary>
    private static byte[] SignBenchReceipt(IMessageBinding wire, ExchangeHeader request, byte[] receivedDigest, NodeCredential cn, DateTimeOffset now, Log.LogPosition? position = null) =>
        wire.SignReceipt(new Receipt
        {
            RefToMessageId = request.MessageId, ReceivedDigest = receivedDigest, Status = Receipt.Accepted,
            LogIndex = position?.Index ?? 1, TreeSize = position?.TreeSize ?? 2, RootHash = position?.RootHash ?? new byte[32],
        }, request, "CN", cn, now);

    /// <summary>The log entry CN keeps for an accepted bench exchange, as the pipeline writes it.</summary>
    private static Log.LogEntryDraft BenchEntry(IMessageBinding wire, ExchangeHeader header, byte[] raw, byte[] canonicalJson, string adapterId, DateTimeOffset now) => new()
    {
        Time = now, Direction = Log.Direction.In, Partner = "TW", MessageId = header.MessageId.ToString("D"), DocumentType = header.DocumentType,
        Transport = wire.Name, Raw = raw, Verdict = Log.Verdict.Accepted, AdapterId = adapterId, CanonicalJson = canonicalJson,
    };

    /// <summary>A binding's crypto ceiling: the best rate on one core, and the all-cores rate measured before and after the pipeline runs.</summary>
    private sealed record CeilingRates(double Single, double AllBefore, double AllAfter = 0)
    {
        /// <summary>The machine's all-cores ceiling: noise only lowers a measurement, so the higher one.</summary>
        public double All => Math.Max(AllBefore, AllAfter);
    }

    /// <summary>Exchanges per second of pure crypto: sign, verify, sign receipt, verify receipt; one core, then all.</summary>
    private static (double Single, double All) Ceiling(string binding, Rig rig)
    {
        var exchange = CeilingExchange(binding, rig);
        WarmUp(() =>
        {
            exchange();
            return Task.CompletedTask;
        }, parallel: 1, rig.Smoke).GetAwaiter().GetResult();

        // The best of three 2-second runs: on a shared 2-core VM one run varied by up to a quarter, and noise can
        // only make a ceiling look lower (so the ratio to it look better) than the machine really is.
        var (runs, seconds) = rig.Smoke ? (1, 0.2) : (3, 2.0);
        var single = Enumerable.Range(0, runs).Max(_ => CeilingRate(1, exchange, seconds));
        // The GC sizes its heaps to the load it has seen (DATAS): warmed on one thread, the all-cores run met heaps
        // sized for one and measured the SOAP ceiling at 344-374/s, barely above what the pipeline then did (339-369/s).
        WarmUp(() => Task.Run(exchange), parallel: Environment.ProcessorCount, rig.Smoke).GetAwaiter().GetResult();
        return (single, Enumerable.Range(0, runs).Max(_ => CeilingRate(Environment.ProcessorCount, exchange, seconds)));
    }

    /// <summary>One exchange of pure crypto, in this thread: TW signs, CN verifies and signs a receipt, TW verifies it.</summary>
    private static Action CeilingExchange(string binding, Rig rig)
    {
        var wire = Wire(binding);
        return () =>
        {
            var now = DateTimeOffset.UtcNow;
            var header = BenchHeader(now);
            var envelope = wire.Sign(header, rig.Document, rig.SoapUrl, null, rig.TwKey, now);
            var message = wire.Verify(envelope, rig.TwTrust, now);
            var receipt = SignBenchReceipt(wire, message.Header, new byte[32], rig.CnKey, now);
            wire.ReadReceipt(wire.Verify(receipt, rig.CnTrust, now));
        };
    }

    /// <summary>Exchanges per second of <paramref name="exchange"/> on <paramref name="workers"/> threads for about <paramref name="seconds"/>.</summary>
    private static double CeilingRate(int workers, Action exchange, double seconds)
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            // At least one each, and the rate over the time actually taken: a worker started late on a busy
            // machine would otherwise count nothing, or count its overrun as free.
            do
            {
                exchange();
                Interlocked.Increment(ref done);
            }
            while (clock.Elapsed.TotalSeconds < seconds);
        });
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Runs <paramref name="one"/> until the JIT has settled: at least 2 s, then until a second passes with almost no
    /// methods compiled (at most 60 s). Tiered compilation kept recompiling hot code for over 15 s under load, and
    /// a count- or short time-based warm-up measured that instead of the node. A smoke run only makes one round.
    /// </summary>
    private static async Task WarmUp(Func<Task> one, int parallel, bool smoke)
    {
        if (smoke)
        {
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => one()));
            return;
        }

        var clock = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => one()));
            if (window.Elapsed < TimeSpan.FromSeconds(1))
            {
                continue;
            }

            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (clock.Elapsed > TimeSpan.FromSeconds(2) && now - compiled < 10)
            {
                return;
            }

            (compiled, window) = (now, Stopwatch.StartNew());
        }
    }

    /// <summary>Starts <paramref name="start"/>(i) at i / <paramref name="perSecond"/> seconds, whether or not earlier ones finished (open loop), and awaits them all.</summary>
    private static async Task PacedAsync(int count, double perSecond, Func<int, Task> start, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var running = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            var index = i;
            running.Add(Task.Run(() => start(index), cancellationToken));
        }

        await Task.WhenAll(running);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    /// <summary>The CN node receiving, a TW node sending, and TW's keys and trust for the bench's own sending side.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Microsoft.AspNetCore.Builder.WebApplication? _cn;
        private GrpcChannel? _grpc;
        private HttpClient? _http;

        public NodeCredential TwKey { get; private set; } = null!;
        public NodeCredential CnKey { get; private set; } = null!;
        public PartnerTrust TwTrust { get; private set; } = null!;
        public PartnerTrust CnTrust { get; private set; } = null!;
        public byte[] Document { get; private set; } = [];
        public byte[] TwDocument { get; private set; } = [];
        public string SoapUrl { get; private set; } = "";

        /// <summary>Seconds per step instead of minutes; see <c>--smoke</c>.</summary>
        public bool Smoke { get; private init; }

        private DataFolder _cnFolder = null!;
        private NodeConfig _cnConfig = null!;
        private DataFolder _twFolder = null!;
        private TextWriter _progress = TextWriter.Null;
        private string _root = "";

        /// <summary>Data folders and keys; the nodes are started separately, after the ceilings are measured.</summary>
        public static Rig Prepare(string root, int concurrency, bool smoke, TextWriter progress)
        {
            var rig = new Rig { _progress = progress, Smoke = smoke, _root = root };
            var tw = new DataFolder(Path.Combine(root, "tw"));
            var cn = new DataFolder(Path.Combine(root, "cn"));
            var twConfig = LoopbackPorts.InitializeNode(tw, "TW");
            var cnConfig = LoopbackPorts.InitializeNode(cn, "CN");
            PartnerDirectory.Import(cn, cnConfig, tw.ProfileFile);
            PartnerDirectory.Import(tw, twConfig, cn.ProfileFile);
            // The bench is the only sender: lift TW's quota so the node, not the limiter, is measured.
            PartnerDirectory.Edit(cn, "tw", profile => profile with { Inbound = new RateLimit { PermitsPerSecond = 1_000_000, Burst = 1_000_000 } });

            rig.TwKey = KeyFiles.Load(tw.Resolve(twConfig.CertificateFile), tw.Resolve(twConfig.KeyFile!));
            rig.CnKey = KeyFiles.Load(cn.Resolve(cnConfig.CertificateFile), cn.Resolve(cnConfig.KeyFile!));
            rig.TwTrust = new PartnerTrust("TW", [new PinnedCertificate(rig.TwKey.Certificate, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);
            rig.CnTrust = new PartnerTrust("CN", [new PinnedCertificate(rig.CnKey.Certificate, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);
            rig.TwDocument = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Demo", "data", "tw-co-001.xml"));
            rig.Document = Adapters.AdapterCatalog.CreateBuiltIn().Render(new Adapters.EcfaCo.MainlandEcfaCoAdapter(), new Adapters.EcfaCo.TaiwanEcfaCoAdapter().ToCanonical(rig.TwDocument).Document!);
            rig.SoapUrl = $"{cnConfig.SoapUrl}/n2n/tw/soap";
            (rig._cnFolder, rig._cnConfig, rig._twFolder) = (cn, cnConfig, tw);
            // TW's deliveries to CN may have as many in flight as the direct runs (the default is 2 per partner).
            PartnerDirectory.Edit(tw, "cn", profile => profile with { Delivery = profile.Delivery with { MaxInFlight = concurrency } });
            return rig;
        }

        public async Task StartReceiverAsync(CancellationToken cancellationToken)
        {
            _cn = await NodeHost.BuildAsync(_cnFolder.Root, new NodeHostOptions { MinimumLogLevel = LogLevel.Error }, cancellationToken);
            await _cn.StartAsync(cancellationToken);
            (_grpc, _http) = Clients(_cnConfig.GrpcUrl);
        }

        /// <summary>Stops the CN node and lets the GC give back what it used, so a ceiling measured next meets a process like the first one's.</summary>
        public async Task StopReceiverAsync()
        {
            _grpc?.Dispose();
            _http?.Dispose();
            (_grpc, _http) = (null, null);
            if (_cn is not null)
            {
                await _cn.StopAsync();
                await _cn.DisposeAsync();
                _cn = null;
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        /// <summary>One exchange signed by the bench as TW; returns once the node's receipt is verified.</summary>
        private Func<Task> Exchange(string binding, CancellationToken cancellationToken) =>
            Exchange(binding, Sender(binding, _grpc!, _http!, SoapUrl), cancellationToken);

        /// <summary>One exchange signed by the bench as TW and sent with <paramref name="send"/>; returns once the receipt is verified.</summary>
        private Func<Task> Exchange(string binding, Func<byte[], CancellationToken, Task<byte[]>> send, CancellationToken cancellationToken)
        {
            IMessageBinding wire = Wire(binding);
            return async () =>
            {
                var now = DateTimeOffset.UtcNow;
                var header = BenchHeader(now);
                var reply = await send(wire.Sign(header, Document, SoapUrl, null, TwKey, now), cancellationToken);
                if (wire.ReadReceipt(wire.Verify(reply, CnTrust, DateTimeOffset.UtcNow)).Status != Receipt.Accepted)
                {
                    throw new InvalidOperationException("the node refused a bench exchange");
                }
            };
        }

        /// <summary>Posts one envelope with the binding's client stack (gRPC unary call, or SOAP over HTTP/1.1) and returns the reply's bytes.</summary>
        public static Func<byte[], CancellationToken, Task<byte[]>> Sender(string binding, GrpcChannel grpc, HttpClient http, string soapUrl)
        {
            var client = new Transport.Grpc.V1.Exchange.ExchangeClient(grpc);
            return binding == "grpc"
                ? async (envelope, cancellationToken) =>
                    (await client.SubmitAsync(new Transport.Grpc.V1.Envelope { CoseSign1 = ByteString.CopyFrom(envelope) }, cancellationToken: cancellationToken)).CoseSign1.ToByteArray()
                : async (envelope, cancellationToken) =>
                {
                    using var content = new ByteArrayContent(envelope);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse(SoapEndpoint.ContentType);
                    using var response = await http.PostAsync(soapUrl, content, cancellationToken);
                    return await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(cancellationToken);
                };
        }

        public static (GrpcChannel Grpc, HttpClient Http) Clients(string grpcUrl) =>
            (GrpcChannel.ForAddress(grpcUrl, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } }),
                new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }));

        /// <summary>
        /// The transport's share of an exchange: a bare ASP.NET Core server (Kestrel, the gRPC service or a POST
        /// endpoint) answers a fixed signed envelope with a fixed signed receipt, so nothing is signed, verified,
        /// translated or logged, through the same clients and at the same concurrency as the pipeline run.
        /// </summary>
        public Task<BindingResult> TransportOnlyAsync(string binding, int count, int concurrency, CancellationToken cancellationToken)
        {
            var wire = Wire(binding);
            var now = DateTimeOffset.UtcNow;
            var header = BenchHeader(now);
            var envelope = wire.Sign(header, Document, SoapUrl, null, TwKey, now);
            var reply = SignBenchReceipt(wire, header, new byte[32], CnKey, now);
            return BareServerAsync(binding, _ => reply, send => async () => await send(envelope, cancellationToken), count, concurrency, cancellationToken);
        }

        /// <summary>
        /// What crypto and transport allow together, measured: the bench signs a fresh envelope and verifies the receipt
        /// as in the pipeline run, and the bare server verifies the envelope against TW's pinned certificate and signs a
        /// receipt for it, with nothing else (no freshness or replay check, translation, log or handlers).
        /// </summary>
        public Task<BindingResult> CryptoOverTransportAsync(string binding, int count, int concurrency, CancellationToken cancellationToken)
        {
            var wire = Wire(binding);
            byte[] Answer(byte[] envelope)
            {
                var now = DateTimeOffset.UtcNow;
                var message = wire.Verify(envelope, TwTrust, now);
                return SignBenchReceipt(wire, message.Header, System.Security.Cryptography.SHA256.HashData(envelope), CnKey, now);
            }

            return BareServerAsync(binding, Answer, send => Exchange(binding, send, cancellationToken), count, concurrency, cancellationToken);
        }

        /// <summary>
        /// The pipeline and the three floors in rounds, each run between short runs of the all-cores ceiling (see
        /// <see cref="PairedRatios"/>). The floors answer on bare servers as a node must at least: verify against TW's
        /// pinned certificate, translate with the CN adapter, log durably, sign the receipt.
        /// </summary>
        public async Task<PairedRatios> PairedAsync(string binding, int concurrency, int rounds, CancellationToken cancellationToken)
        {
            var wire = Wire(binding);
            var catalog = Adapters.AdapterCatalog.CreateBuiltIn();
            var adapter = new Adapters.EcfaCo.MainlandEcfaCoAdapter();
            await using var file = FloorLog.ToFile(Path.Combine(_root, $"floor-{binding}.log"));
            await using var sqlite = FloorLog.ToSqlite(Path.Combine(_root, $"floor-{binding}-sqlite.db"));
            using var store = new Log.SqliteExchangeStore(Path.Combine(_root, $"floor-{binding}.db"), new Log.TreeHeadSigner(CnKey));
            await store.InitializeAsync(cancellationToken);
            (VerifiedMessage Message, byte[] Canonical) Admit(byte[] envelope, DateTimeOffset now)
            {
                var message = wire.Verify(envelope, TwTrust, now);
                return (message, catalog.Translate(adapter, message.Payload).CanonicalJson ?? throw new InvalidOperationException("the bench document did not translate"));
            }

            Func<byte[], ValueTask<byte[]>> To(FloorLog log) => async envelope =>
            {
                var now = DateTimeOffset.UtcNow;
                var (message, canonical) = Admit(envelope, now);
                await log.AppendAsync(envelope, canonical);
                return SignBenchReceipt(wire, message.Header, System.Security.Cryptography.SHA256.HashData(envelope), CnKey, now);
            };

            async ValueTask<byte[]> ToStore(byte[] envelope)
            {
                var now = DateTimeOffset.UtcNow;
                var (message, canonical) = Admit(envelope, now);
                var digest = System.Security.Cryptography.SHA256.HashData(envelope);
                var commit = await store.CommitInboundAsync(BenchEntry(wire, message.Header, envelope, canonical, adapter.Id, now), message.Header.MessageId,
                    System.Security.Cryptography.SHA256.HashData(message.Payload),
                    position => SignBenchReceipt(wire, message.Header, digest, CnKey, now, position), CancellationToken.None);
                return commit.Record.Receipt;
            }

            await using var fileServer = await BareServer.StartAsync(binding, To(file), _cnConfig.MaxMessageBytes, cancellationToken);
            await using var sqliteServer = await BareServer.StartAsync(binding, To(sqlite), _cnConfig.MaxMessageBytes, cancellationToken);
            await using var storeServer = await BareServer.StartAsync(binding, ToStore, _cnConfig.MaxMessageBytes, cancellationToken);
            Func<Task>[] contenders =
            [
                Exchange(binding, cancellationToken), Exchange(binding, fileServer.Send, cancellationToken),
                Exchange(binding, sqliteServer.Send, cancellationToken), Exchange(binding, storeServer.Send, cancellationToken),
            ];
            foreach (var contender in contenders.Skip(1))
            {
                await WarmUp(contender, concurrency, Smoke);
            }

            var ceiling = CeilingExchange(binding, this);
            var (roundCount, seconds) = Smoke ? (1, 0.2) : (rounds, 2.0);
            var runs = contenders.Select(_ => new List<PairedRun>()).ToArray();
            var before = CeilingRate(Environment.ProcessorCount, ceiling, seconds);
            // The node's log signs one tree head per group commit: heads count its commits.
            async Task<(long Entries, long Groups)> StoreWritten() =>
                ((await store.LatestTreeHeadAsync(cancellationToken))?.TreeSize ?? 0, (await store.TreeHeadsAsync(cancellationToken)).Count);
            var (fileWritten, sqliteWritten, storeWritten) = (file.Written, sqlite.Written, await StoreWritten());
            for (var round = 0; round < roundCount; round++)
            {
                for (var i = 0; i < contenders.Length; i++)
                {
                    var (rate, cpuMs) = await RateForAsync(contenders[i], seconds, concurrency);
                    var after = CeilingRate(Environment.ProcessorCount, ceiling, seconds);
                    runs[i].Add(new PairedRun(before, rate, after, cpuMs));
                    before = after;
                }
            }

            static double AppendsPerGroup((long Entries, long Groups) start, (long Entries, long Groups) end) =>
                (double)(end.Entries - start.Entries) / (end.Groups - start.Groups);
            return new PairedRatios(roundCount, PairedSeries.Of(runs[0]), PairedSeries.Of(runs[1]), PairedSeries.Of(runs[2]), PairedSeries.Of(runs[3]),
                AppendsPerGroup(fileWritten, file.Written), AppendsPerGroup(sqliteWritten, sqlite.Written), AppendsPerGroup(storeWritten, await StoreWritten()));
        }

        /// <summary>Runs <paramref name="one"/> from <paramref name="concurrency"/> callers for about <paramref name="seconds"/>: exchanges per second and CPU ms per exchange.</summary>
        private static async Task<(double Rate, double CpuMs)> RateForAsync(Func<Task> one, double seconds, int concurrency)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var done = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                do
                {
                    await one();
                    Interlocked.Increment(ref done);
                }
                while (clock.Elapsed.TotalSeconds < seconds);
            })));
            var elapsed = clock.Elapsed.TotalSeconds;
            return (done / elapsed, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / done);
        }

        /// <summary>
        /// The node's own work on an exchange, each part alone, with the pipeline run's document: the CN adapter's
        /// translation (parse, map, rules, RFC 8785) on all cores, then commits of its log entry to a fresh SQLite log at
        /// <paramref name="concurrency"/>, durable before they return, each with one of this binding's envelopes as the
        /// raw bytes and a receipt signed once beforehand (so receipt signing stays in crypto over transport).
        /// </summary>
        public async Task<(BindingResult Translation, BindingResult Log)> NodeWorkAloneAsync(string binding, int count, int concurrency, CancellationToken cancellationToken)
        {
            var catalog = Adapters.AdapterCatalog.CreateBuiltIn();
            var adapter = new Adapters.EcfaCo.MainlandEcfaCoAdapter();
            byte[] Translate() => catalog.Translate(adapter, Document).CanonicalJson ?? throw new InvalidOperationException("the bench document did not translate");
            var translation = await MeasureAsync(binding, () =>
            {
                Translate();
                return Task.CompletedTask;
            }, count, Environment.ProcessorCount, warm: true, cancellationToken);

            var wire = Wire(binding);
            var now = DateTimeOffset.UtcNow;
            var header = BenchHeader(now);
            var raw = wire.Sign(header, Document, SoapUrl, null, TwKey, now);
            var receipt = SignBenchReceipt(wire, header, System.Security.Cryptography.SHA256.HashData(raw), CnKey, now);
            var draft = BenchEntry(wire, header, raw, Translate(), adapter.Id, now);
            var payloadDigest = System.Security.Cryptography.SHA256.HashData(Document);
            using var store = new Log.SqliteExchangeStore(Path.Combine(_root, $"log-alone-{binding}.db"), new Log.TreeHeadSigner(CnKey));
            await store.InitializeAsync(cancellationToken);
            var log = await MeasureAsync(binding, async () =>
            {
                var id = Guid.NewGuid();
                await store.CommitInboundAsync(draft with { MessageId = id.ToString("D") }, id, payloadDigest, _ => receipt, cancellationToken);
            }, count, concurrency, warm: true, cancellationToken);
            return (translation, log);
        }

        /// <summary>Serves <paramref name="answer"/> from a bare ASP.NET Core server on loopback (gRPC over HTTP/2, or SOAP over HTTP/1.1) and measures the client <paramref name="one"/> makes against it.</summary>
        private async Task<BindingResult> BareServerAsync(string binding, Func<byte[], byte[]> answer, Func<Func<byte[], CancellationToken, Task<byte[]>>, Func<Task>> one,
            int count, int concurrency, CancellationToken cancellationToken)
        {
            await using var server = await BareServer.StartAsync(binding, envelope => ValueTask.FromResult(answer(envelope)), _cnConfig.MaxMessageBytes, cancellationToken);
            return await MeasureAsync(binding, one(server.Send), count, concurrency, warm: true, cancellationToken);
        }

        public Task<BindingResult> PushAsync(string binding, int count, int concurrency, CancellationToken cancellationToken, bool warm = true) =>
            MeasureAsync(binding, Exchange(binding, cancellationToken), count, concurrency, warm, cancellationToken);

        private async Task<BindingResult> MeasureAsync(string binding, Func<Task> one, int count, int concurrency, bool warm, CancellationToken cancellationToken)
        {
            if (warm)
            {
                await WarmUp(one, concurrency, Smoke);
                _progress.WriteLine($"bench: {binding} warm, measuring");
            }

            var latencies = new double[count];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                await one();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
            clock.Stop();
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            var kib = (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / count;
            Array.Sort(latencies);
            return new BindingResult(binding, 0, 0, count, concurrency, count / clock.Elapsed.TotalSeconds,
                Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), cpuMs / count, kib, 0);
        }

        /// <summary>Offers exchanges at a fixed rate whatever the answers do (open loop), so queueing shows in the latency.</summary>
        public async Task<LatencyAtRate> PushAtRateAsync(string binding, double perSecond, int count, CancellationToken cancellationToken)
        {
            var one = Exchange(binding, cancellationToken);
            var latencies = new double[count];
            var (gcs, paused) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
            var clock = Stopwatch.StartNew();
            await PacedAsync(count, perSecond, async index =>
            {
                var started = Stopwatch.GetTimestamp();
                await one();
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }, cancellationToken);
            clock.Stop();
            Array.Sort(latencies);
            return new LatencyAtRate(perSecond, count / clock.Elapsed.TotalSeconds, count, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
                GC.CollectionCount(0) - gcs, (GC.GetTotalPauseDuration() - paused).TotalMilliseconds);
        }

        /// <summary>
        /// A real TW node sends to the CN node: each message is queued in TW's outbox (translated, rendered, read back),
        /// delivered by a Hangfire job (signed, sent, receipt verified) and logged at both ends. Latency is queued to delivered.
        /// </summary>
        public async Task<NodeToNodeResult> NodeToNodeAsync(string binding, int count, int concurrency, CancellationToken cancellationToken)
        {
            PartnerDirectory.Edit(_twFolder, "cn", profile => profile with { Transport = binding == "grpc" ? TransportKind.Grpc : TransportKind.Soap });
            var tw = await NodeHost.BuildAsync(_twFolder.Root, new NodeHostOptions { MinimumLogLevel = LogLevel.Error }, cancellationToken);
            await tw.StartAsync(cancellationToken);
            try
            {
                var outbox = tw.Services.GetRequiredService<Delivery.Outbox>();
                var store = tw.Services.GetRequiredService<Log.IExchangeStore>();
                // A burst queued by as many callers at once as the direct runs (a national backend's clients), or an
                // open-loop stream at a fixed rate; either way, wait until TW has a verified receipt for every message.
                async Task<List<Delivery.OutboxMessage>> SendAllAsync(int n, double? perSecond = null)
                {
                    var sent = new System.Collections.Concurrent.ConcurrentBag<Guid>();
                    async Task Enqueue(CancellationToken token) => sent.Add((await outbox.EnqueueAsync(new Delivery.SendRequest("CN", "ecfa.co", TwDocument), token)).MessageId);
                    if (perSecond is { } rate)
                    {
                        await PacedAsync(n, rate, _ => Enqueue(cancellationToken), cancellationToken);
                    }
                    else
                    {
                        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                            async (_, token) => await Enqueue(token));
                    }

                    var ids = sent.ToHashSet();
                    while (true)
                    {
                        var done = (await store.ListOutboxAsync(null, cancellationToken)).Where(m => ids.Contains(m.MessageId) && m.State is not (Delivery.OutboxState.Queued or Delivery.OutboxState.Sending)).ToList();
                        if (done.Count == n)
                        {
                            return done.All(m => m.State == Delivery.OutboxState.Delivered) ? done : throw new InvalidOperationException("a bench message was not delivered");
                        }

                        await Task.Delay(50, cancellationToken); // polling the outbox: the bench measures, it does not synchronise tests
                    }
                }

                await SendAllAsync(Math.Min(200, count)); // warm-up
                var clock = Stopwatch.StartNew();
                await SendAllAsync(count);
                clock.Stop();
                var rate = count / clock.Elapsed.TotalSeconds;
                // Latency from a burst is mostly queueing behind the burst; at half the rate it is the node's own.
                var halfCount = Math.Min(count, Math.Max(100, (int)(rate / 2 * 10)));
                var latencies = (await SendAllAsync(halfCount, rate / 2)).Select(m => (m.Updated - m.Created).TotalMilliseconds).Order().ToArray();
                return new NodeToNodeResult(count, rate, rate / 2, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99));
            }
            finally
            {
                await tw.StopAsync(CancellationToken.None);
                await tw.DisposeAsync();
            }
        }

        /// <summary>
        /// gRPC load for a while, with the working set every 10 s: it should stay flat. Ends with the working set at the
        /// end against the one after the first 100,000 exchanges, which is the memory target.
        /// </summary>
        public async Task<List<object>> SoakAsync(int seconds, long stopAfter, int concurrency, TextWriter output, CancellationToken cancellationToken)
        {
            var samples = new List<object>();
            var total = 0L;
            double? at100k = null, last = null;
            var clock = Stopwatch.StartNew();
            long Remaining() => stopAfter <= 0 ? long.MaxValue : stopAfter - total;
            for (var elapsed = 0; elapsed < seconds && Remaining() > 0; elapsed += 10)
            {
                var window = Stopwatch.StartNew();
                var before = total;
                while (window.Elapsed < TimeSpan.FromSeconds(Math.Min(10, seconds - elapsed)) && Remaining() > 0)
                {
                    total += (await PushAsync("grpc", (int)Math.Min(500, Remaining()), concurrency, cancellationToken, warm: false)).Exchanges;
                }

                var done = total - before;
                GC.Collect();
                var mib = Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024);
                (at100k, last) = (at100k ?? (total >= 100_000 ? mib : null), mib);
                samples.Add(new { seconds = (int)clock.Elapsed.TotalSeconds, exchanges = total, workingSetMiB = mib });
                output.WriteLine($"soak t+{clock.Elapsed.TotalSeconds:0}s: {total:N0} exchanges, {done / window.Elapsed.TotalSeconds:N0}/s in this window, working set {mib:N0} MiB");
            }

            if (at100k is { } early && last is { } end)
            {
                output.WriteLine($"soak: working set {early:N0} MiB after the first 100,000 exchanges, {end:N0} MiB after {total:N0} ({(end - early) / early:+0.0%;-0.0%})");
            }

            return samples;
        }

        public async ValueTask DisposeAsync()
        {
            await StopReceiverAsync();
            TwKey.Dispose();
            CnKey.Dispose();
        }
    }

    /// <summary>What the bare server answers an envelope with.</summary>
    private sealed record BareAnswer(Func<byte[], ValueTask<byte[]>> Reply);

    /// <summary>The gRPC service of the bare server: every Submit is answered by <see cref="BareAnswer"/>.</summary>
    private sealed class BareExchange(BareAnswer answer) : Transport.Grpc.V1.Exchange.ExchangeBase
    {
        public override async Task<Transport.Grpc.V1.Envelope> Submit(Transport.Grpc.V1.Envelope request, global::Grpc.Core.ServerCallContext context) =>
            new() { CoseSign1 = UnsafeByteOperations.UnsafeWrap(await answer.Reply(request.CoseSign1.ToByteArray())) };
    }

    /// <summary>
    /// A bare ASP.NET Core server on loopback (Kestrel with the gRPC service over HTTP/2, or a POST endpoint over HTTP/1.1)
    /// that answers every envelope with <see cref="BareAnswer"/>, and the bench's client for it.
    /// </summary>
    private sealed class BareServer : IAsyncDisposable
    {
        private Microsoft.AspNetCore.Builder.WebApplication _server = null!;
        private GrpcChannel _grpc = null!;
        private HttpClient _http = null!;

        /// <summary>Posts one envelope to this server with the binding's client stack and returns the reply.</summary>
        public Func<byte[], CancellationToken, Task<byte[]>> Send { get; private set; } = null!;

        public static async Task<BareServer> StartAsync(string binding, Func<byte[], ValueTask<byte[]>> answer, int maxMessageBytes, CancellationToken cancellationToken)
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0,
                listen => listen.Protocols = binding == "grpc" ? Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2 : Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new BareAnswer(answer));
            var server = builder.Build();
            server.MapGrpcService<BareExchange>();
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(server, "/soap", async context =>
            {
                // Read as the node's SOAP endpoint reads a request, under the same limit.
                var (body, _) = await SoapEndpoint.ReadBoundedAsync(context.Request.Body, maxMessageBytes, context.RequestAborted);
                var reply = await answer(body);
                context.Response.ContentType = SoapEndpoint.ContentType;
                await context.Response.Body.WriteAsync(reply, context.RequestAborted);
            });
            await server.StartAsync(cancellationToken);
            var url = server.Urls.Single();
            var (grpc, http) = Rig.Clients(url);
            return new BareServer { _server = server, _grpc = grpc, _http = http, Send = Rig.Sender(binding, grpc, http, url + "/soap") };
        }

        public async ValueTask DisposeAsync()
        {
            _grpc.Dispose();
            _http.Dispose();
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }
    }
}
