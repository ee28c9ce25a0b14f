using N2N.Trust;
using N2N.Trust.Cose;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;
using N2N.Trust.WsSecurity;
using SharpFuzz;

// n2n-fuzz seed <dir>     writes a seed corpus (signed SOAP and COSE envelopes made from the shipped CO sample)
// n2n-fuzz soap | cose    runs under AFL++: reads one input from stdin per run and feeds it to the verifier
// Any exception other than TrustException is a finding: hostile bytes must be refused, never crash the node.
// Instrumented code may run only inside Fuzzer.Run (its coverage map is AFL's shared memory): seed with the
// uninstrumented build, and set up lazily inside the callback.
var mode = args.FirstOrDefault() ?? "";
var keyFolder = Path.Combine(Path.GetTempPath(), "n2n-fuzz-key");
var trust = new Lazy<PartnerTrust>(() => TrustOf(LoadOrCreateKey(keyFolder)));

switch (mode)
{
    case "seed":
        var credential = LoadOrCreateKey(keyFolder);
        var document = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "seed", "co-001.xml"));
        var header = new ExchangeHeader(Guid.NewGuid(), "fuzz", "TW", "CN", "ecfa.co", DateTimeOffset.UtcNow);
        var dir = args.ElementAtOrDefault(1) ?? "corpus";
        Directory.CreateDirectory(Path.Combine(dir, "soap"));
        Directory.CreateDirectory(Path.Combine(dir, "cose"));
        File.WriteAllBytes(Path.Combine(dir, "soap", "co-001.xml"), WsSecuritySigner.Sign(new SoapMessage(header, "http://127.0.0.1/n2n/tw/soap", null, document), credential, DateTimeOffset.UtcNow));
        File.WriteAllBytes(Path.Combine(dir, "cose", "co-001.cbor"), CoseEnvelope.Sign(header, "application/xml", document, credential));
        Console.WriteLine($"seed corpus written to {dir}/soap and {dir}/cose");
        return 0;
    case "soap":
        Fuzzer.OutOfProcess.Run(stream => Refuse(() => WsSecurityVerifier.Verify(ReadAll(stream), trust.Value, DateTimeOffset.UtcNow)));
        return 0;
    case "cose":
        Fuzzer.OutOfProcess.Run(stream => Refuse(() => CoseEnvelope.Verify(ReadAll(stream), trust.Value, DateTimeOffset.UtcNow)));
        return 0;
    default:
        Console.Error.WriteLine("usage: n2n-fuzz seed <dir> | soap | cose");
        return 2;
}

static PartnerTrust TrustOf(NodeCredential credential) =>
    new("TW", [new PinnedCertificate(credential.Certificate, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);

static void Refuse(Action verify)
{
    try
    {
        verify();
    }
    catch (TrustException)
    {
        // The expected outcome for almost every mutated input: a clean refusal with a reason code.
    }
}

static byte[] ReadAll(Stream stream)
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    return buffer.ToArray();
}

static NodeCredential LoadOrCreateKey(string folder)
{
    // One stable key across runs, so the seeds stay signed by the pinned certificate.
    var (cert, key) = (Path.Combine(folder, "c.pem"), Path.Combine(folder, "k.pem"));
    if (!File.Exists(cert))
    {
        KeyFiles.GenerateDevKey("TW", KeyKind.EcdsaP256, cert, key, DateTimeOffset.UtcNow, TimeSpan.FromDays(3650));
    }

    return KeyFiles.Load(cert, key);
}
