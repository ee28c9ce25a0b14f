using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
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

/// <summary>One binding's results: the crypto ceiling and what the real pipeline achieved.</summary>
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
    double RatioToCeiling);

/// <summary>
/// <c>n2n bench</c>: for each binding, the crypto ceiling on this machine (sender signs, receiver verifies, receiver
/// signs the receipt, sender verifies it) and then N real exchanges against a CN node on loopback: the bench signs as
/// TW, the node verifies, translates, commits durably and answers with a signed receipt, which the bench verifies.
/// </summary>
internal static class ExchangeBench
{
    public static void AddTo(Command bench)
    {
        var count = new Option<int>("--exchanges") { Description = "Exchanges per binding", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Exchanges in flight", DefaultValueFactory = _ => 32 };
        var only = new Option<string?>("--binding") { Description = "soap or grpc (default both)" };
        var duration = new Option<int>("--duration") { Description = "Soak: run gRPC load for this many seconds, reporting memory every 10 s (0 = no soak)", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output") { Description = "Also write the results as JSON to this file" };
        bench.Options.Add(count);
        bench.Options.Add(concurrency);
        bench.Options.Add(only);
        bench.Options.Add(duration);
        bench.Options.Add(output);
        bench.SetHandler(async (parse, context, cancellationToken) =>
        {
            var root = Directory.CreateTempSubdirectory("n2n-bench-").FullName;
            try
            {
                var results = new List<BindingResult>();
                var bindings = parse.GetValue(only) is { } b ? [b] : new[] { "grpc", "soap" };
                await using var rig = Rig.Prepare(root);
                // Ceilings first, with no node running in this process: its threads and heaps depressed them before.
                var ceilings = bindings.ToDictionary(binding => binding, binding => Ceiling(binding, rig));
                await rig.StartNodeAsync(cancellationToken);
                foreach (var binding in bindings)
                {
                    var ceiling = ceilings[binding];
                    var run = await rig.PushAsync(binding, parse.GetValue(count), parse.GetValue(concurrency), cancellationToken);
                    var result = run with { CeilingSingleCore = ceiling.Single, CeilingAllCores = ceiling.All, RatioToCeiling = run.ExchangesPerSecond / ceiling.All };
                    results.Add(result);
                    context.Out.WriteLine($"{binding}: ceiling {ceiling.Single:N0}/s on 1 core, {ceiling.All:N0}/s on {Environment.ProcessorCount}; " +
                        $"pipeline {result.ExchangesPerSecond:N0}/s at concurrency {result.Concurrency} ({result.RatioToCeiling:P0} of the ceiling); " +
                        $"p50 {result.P50Ms:0.0} ms, p95 {result.P95Ms:0.0} ms, p99 {result.P99Ms:0.0} ms; CPU {result.CpuMsPerExchange:0.00} ms/exchange");
                }

                var soak = parse.GetValue(duration) > 0 ? await rig.SoakAsync(parse.GetValue(duration), parse.GetValue(concurrency), context.Out, cancellationToken) : [];
                var report = new
                {
                    date = DateTimeOffset.UtcNow,
                    machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
                    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                    peakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024),
                    results,
                    soakWorkingSetMiB = soak,
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

    /// <summary>Exchanges per second of pure crypto: sign, verify, sign receipt, verify receipt; one core, then all.</summary>
    private static (double Single, double All) Ceiling(string binding, Rig rig)
    {
        IMessageBinding wire = binding == "grpc" ? new GrpcBinding() : new SoapBinding(XmlLimits.Default);
        void OneExchange()
        {
            var now = DateTimeOffset.UtcNow;
            var header = new ExchangeHeader(Guid.NewGuid(), "bench", "TW", "CN", "ecfa.co", now);
            var envelope = wire.Sign(header, rig.Document, rig.SoapUrl, null, rig.TwKey, now);
            var message = wire.Verify(envelope, rig.TwTrust, now);
            var receipt = wire.SignReceipt(new Receipt
            {
                RefToMessageId = header.MessageId, ReceivedDigest = new byte[32], Status = Receipt.Accepted, LogIndex = 1, TreeSize = 2, RootHash = new byte[32],
            }, message.Header, "CN", rig.CnKey, now);
            wire.ReadReceipt(wire.Verify(receipt, rig.CnTrust, now));
        }

        // Warm up for a fixed time, not a count: tiered JIT keeps the first tens of calls (and loops) in unoptimised
        // code, which made an early count-based warm-up report a ceiling three times too low.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            OneExchange();
        }

        static double Rate(int workers, Action exchange)
        {
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3;
            var done = 0;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                    exchange();
                    Interlocked.Increment(ref done);
                }
            });
            return done / 3.0;
        }

        return (Rate(1, OneExchange), Rate(Environment.ProcessorCount, OneExchange));
    }

    /// <summary>A CN node in this process, and TW's keys and trust for the bench's sending side.</summary>
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
        public string SoapUrl { get; private set; } = "";

        private DataFolder _cnFolder = null!;
        private NodeConfig _cnConfig = null!;

        /// <summary>Data folders and keys; the CN node is started separately, after the ceilings are measured.</summary>
        public static Rig Prepare(string root)
        {
            var rig = new Rig();
            var tw = new DataFolder(Path.Combine(root, "tw"));
            var cn = new DataFolder(Path.Combine(root, "cn"));
            var twConfig = LoopbackPorts.InitializeNode(tw, "TW");
            var cnConfig = LoopbackPorts.InitializeNode(cn, "CN");
            PartnerDirectory.Import(cn, cnConfig, tw.ProfileFile);
            // The bench is the only sender: lift TW's quota so the node, not the limiter, is measured.
            var twAtCn = Path.Combine(cn.PartnersDirectory, "tw.json");
            var profile = JsonSerializer.Deserialize<PartnerProfile>(File.ReadAllText(twAtCn), NodeConfig.Json)!;
            File.WriteAllText(twAtCn, JsonSerializer.Serialize(profile with { Inbound = new RateLimit { PermitsPerSecond = 1_000_000, Burst = 1_000_000 } }, NodeConfig.Json));

            rig.TwKey = KeyFiles.Load(tw.Resolve(twConfig.CertificateFile), tw.Resolve(twConfig.KeyFile!));
            rig.CnKey = KeyFiles.Load(cn.Resolve(cnConfig.CertificateFile), cn.Resolve(cnConfig.KeyFile!));
            rig.TwTrust = new PartnerTrust("TW", [new PinnedCertificate(rig.TwKey.Certificate, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);
            rig.CnTrust = new PartnerTrust("CN", [new PinnedCertificate(rig.CnKey.Certificate, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);
            rig.Document = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Demo", "data", "tw-co-001.xml")) is var twDocument
                ? Adapters.AdapterCatalog.CreateBuiltIn().Render(new Adapters.EcfaCo.MainlandEcfaCoAdapter(), new Adapters.EcfaCo.TaiwanEcfaCoAdapter().ToCanonical(twDocument).Document!)
                : [];
            rig.SoapUrl = $"{cnConfig.SoapUrl}/n2n/tw/soap";
            (rig._cnFolder, rig._cnConfig) = (cn, cnConfig);
            return rig;
        }

        public async Task StartNodeAsync(CancellationToken cancellationToken)
        {
            _cn = await NodeHost.BuildAsync(_cnFolder.Root, new NodeHostOptions { MinimumLogLevel = LogLevel.Error }, cancellationToken);
            await _cn.StartAsync(cancellationToken);
            _grpc = GrpcChannel.ForAddress(_cnConfig.GrpcUrl, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        }

        public async Task<BindingResult> PushAsync(string binding, int count, int concurrency, CancellationToken cancellationToken)
        {
            var client = new Transport.Grpc.V1.Exchange.ExchangeClient(_grpc!);
            IMessageBinding wire = binding == "grpc" ? new GrpcBinding() : new SoapBinding(XmlLimits.Default);
            async Task OneAsync()
            {
                var now = DateTimeOffset.UtcNow;
                var header = new ExchangeHeader(Guid.NewGuid(), "bench", "TW", "CN", "ecfa.co", now);
                var envelope = wire.Sign(header, Document, SoapUrl, null, TwKey, now);
                byte[] reply;
                if (binding == "grpc")
                {
                    reply = (await client.SubmitAsync(new Transport.Grpc.V1.Envelope { CoseSign1 = ByteString.CopyFrom(envelope) }, cancellationToken: cancellationToken)).CoseSign1.ToByteArray();
                }
                else
                {
                    using var content = new ByteArrayContent(envelope);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse(SoapEndpoint.ContentType);
                    using var response = await _http!.PostAsync(SoapUrl, content, cancellationToken);
                    reply = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                }

                if (wire.ReadReceipt(wire.Verify(reply, CnTrust, DateTimeOffset.UtcNow)).Status != Receipt.Accepted)
                {
                    throw new InvalidOperationException("the node refused a bench exchange");
                }
            }

            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(2))
            {
                await OneAsync(); // warm-up, by time (see the ceiling)
            }

            var latencies = new double[count];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                await OneAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
            clock.Stop();
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            Array.Sort(latencies);
            double Percentile(double p) => latencies[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)];
            return new BindingResult(binding, 0, 0, count, concurrency, count / clock.Elapsed.TotalSeconds, Percentile(0.50), Percentile(0.95), Percentile(0.99), cpuMs / count, 0);
        }

        /// <summary>gRPC load for a while, with the working set every 10 s: it should stay flat.</summary>
        public async Task<List<double>> SoakAsync(int seconds, int concurrency, TextWriter output, CancellationToken cancellationToken)
        {
            var samples = new List<double>();
            for (var elapsed = 0; elapsed < seconds; elapsed += 10)
            {
                var window = Stopwatch.StartNew();
                var done = 0;
                while (window.Elapsed < TimeSpan.FromSeconds(Math.Min(10, seconds - elapsed)))
                {
                    var run = await PushAsync("grpc", 200, concurrency, cancellationToken);
                    done += run.Exchanges;
                }

                GC.Collect();
                var mib = Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024);
                samples.Add(mib);
                output.WriteLine($"soak t+{elapsed + 10}s: {done} exchanges in this window, working set {mib:N0} MiB");
            }

            return samples;
        }

        public async ValueTask DisposeAsync()
        {
            _grpc?.Dispose();
            _http?.Dispose();
            if (_cn is not null)
            {
                await _cn.StopAsync();
                await _cn.DisposeAsync();
            }

            TwKey.Dispose();
            CnKey.Dispose();
        }
    }
}
