using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Node.Transport.Grpc;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.ConformanceTests.Exchange;

/// <summary>The gRPC binding: the same pipeline, log and receipts as SOAP, with COSE_Sign1 envelopes.</summary>
[TestClass]
public sealed class GrpcExchangeTests
{
    private static TestNode s_tw = null!;
    private static TestNode s_cn = null!;
    private static TestNode s_kr = null!; // never started: CN pins its certificate only
    private static NodeCredential s_twKey = null!;

    [ClassInitialize]
    public static async Task StartNodesAsync(TestContext context)
    {
        s_tw = TestNode.Create("TW");
        s_cn = TestNode.Create("CN");
        s_kr = TestNode.Create("KR");
        s_tw.AddPartner(s_cn, TransportKind.Grpc);
        s_cn.AddPartner(s_tw, TransportKind.Grpc);
        s_cn.AddPartner(s_kr, TransportKind.Grpc, TestNode.EcfaInCnFormat);
        await s_tw.StartAsync();
        await s_cn.StartAsync();
        s_twKey = s_tw.LoadCredential();
    }

    [ClassCleanup]
    public static async Task StopNodesAsync()
    {
        await s_tw.DisposeAsync();
        await s_cn.DisposeAsync();
        await s_kr.DisposeAsync();
        s_twKey.Dispose();
    }

    [TestMethod]
    public async Task Send_TwCoToCnOverGrpc_DeliveredWithCoseReceipt_SameLogAsSoap()
    {
        var id = await s_tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        var message = await s_tw.WaitForFinalStateAsync(id);
        Assert.AreEqual(OutboxState.Delivered, message.State, message.LastError);

        var inbound = (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        Assert.AreEqual("grpc", inbound.Draft.Transport);
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"), inbound.Draft.CanonicalJson!, "canonical over gRPC");
        var sent = (await s_tw.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        CollectionAssert.AreEqual(inbound.Draft.Raw, sent.Draft.Raw);

        var receiptEntry = (await s_tw.LogAsync()).Single(e => e.Draft.RelatedMessageId == id.ToString());
        var receipt = new GrpcBinding().ReadReceipt(new GrpcBinding().Verify(receiptEntry.Draft.Raw, CnTrust(), DateTimeOffset.UtcNow));
        Assert.AreEqual(Receipt.Accepted, receipt.Status);
        Assert.AreEqual(inbound.Index, receipt.LogIndex);
        CollectionAssert.AreEqual(SHA256.HashData(inbound.Draft.Raw), receipt.ReceivedDigest);
    }

    [TestMethod]
    public async Task Submit_IndependentlyBuiltEnvelope_AcceptedWithVerifiableReceipt()
    {
        var envelope = CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), CnCo());
        var answer = await CoseWire.SubmitAsync(s_cn.Config.GrpcUrl, envelope);
        Assert.AreEqual(StatusCode.OK, answer.Status, answer.ReasonCode);
        var verified = CoseMessage.DecodeSign1(answer.Reply!);
        Assert.IsTrue(verified.VerifyEmbedded(CnTrust().Pins[0].Certificate.GetECDsaPublicKey()!), "receipt signed by CN's pinned key");
        StringAssert.Contains(Encoding.UTF8.GetString(verified.Content!.Value.Span), "\"status\":\"Accepted\"");
    }

    [TestMethod]
    public async Task Submit_TamperedPayload_BadSignature()
    {
        var envelope = CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), CnCo());
        await AssertRefusedAsync(Replace(envelope, "<MZ>11200</MZ>", "<MZ>11900</MZ>"), ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Submit_TamperedProtectedHeader_BadSignature()
    {
        var envelope = CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), CnCo());
        await AssertRefusedAsync(Replace(envelope, "ecfa.co", "ecfa.cx"), ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Submit_CertificateNotPinned_UntrustedCert()
    {
        using var stranger = NewCredential();
        await AssertRefusedAsync(CoseWire.Sign(stranger, CoseWire.Headers(stranger, "TW", "CN", "ecfa.co"), CnCo()), ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task Submit_FromAConfiguredPartnerButSignedByAnother_UntrustedCert()
    {
        // TW's (genuine, pinned-for-TW) key claiming to be KR: KR's pins do not include it.
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "KR", "CN", "ecfa.co"), CnCo()), ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task Submit_FromANodeThatIsNoPartner_UnknownPartner()
    {
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "SG", "CN", "ecfa.co"), CnCo()), ReasonCodes.UnknownPartner);
    }

    [TestMethod]
    public async Task Submit_Created10MinutesAgo_StaleTimestamp()
    {
        var headers = CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co", created: DateTimeOffset.UtcNow.AddMinutes(-10));
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, headers, CnCo()), ReasonCodes.StaleTimestamp);
    }

    [TestMethod]
    public async Task Submit_UnsupportedAlgorithmEs384_WeakAlgorithm()
    {
        var envelope = CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), CnCo(), HashAlgorithmName.SHA384);
        await AssertRefusedAsync(envelope, ReasonCodes.WeakAlgorithm);
    }

    [TestMethod]
    public async Task Submit_OversizeMessage_TooLarge()
    {
        var payload = new byte[s_cn.Config.MaxMessageBytes + 1024];
        Array.Fill(payload, (byte)' ');
        CnCo().CopyTo(payload, 0);
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), payload), ReasonCodes.TooLarge, compareRaw: false);
    }

    [TestMethod]
    public async Task Submit_GarbageBytes_Malformed()
    {
        await AssertRefusedAsync(Encoding.UTF8.GetBytes("this is not CBOR at all"), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task Submit_HeaderLabelBeyond32Bits_MalformedAndLogged()
    {
        // COSE_Sign1 (tag 18) whose protected header has the integer label 2^40: .NET's decoder overflows on it.
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        var protectedMap = new CborWriter();
        protectedMap.WriteStartMap(2);
        protectedMap.WriteInt32(1);
        protectedMap.WriteInt32(-7);
        protectedMap.WriteInt64(1L << 40);
        protectedMap.WriteInt32(1);
        protectedMap.WriteEndMap();
        writer.WriteByteString(protectedMap.Encode());
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(CnCo());
        writer.WriteByteString(new byte[64]);
        writer.WriteEndArray();
        await AssertRefusedAsync(writer.Encode(), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task Submit_SenderClaimWithControlCharacters_LoggedAsUnknownSenderOnly()
    {
        var headers = CoseWire.Headers(s_twKey, "XX\n2026-01-01 info: Inbound accepted", "CN", "ecfa.co");
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, headers, CnCo()), ReasonCodes.UnknownPartner);
        Assert.AreEqual("-", (await s_cn.LogAsync())[^2].Draft.Partner, "the refused entry (before the good one AssertRefused sends)");
    }

    [TestMethod]
    public async Task Submit_CritNamesUnknownLabel_Malformed()
    {
        var headers = CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co");
        headers.Add(new CoseHeaderLabel("x-policy"), "strict");
        var crit = new CborWriter();
        crit.WriteStartArray(1);
        crit.WriteTextString("x-policy");
        crit.WriteEndArray();
        headers.Add(CoseHeaderLabel.CriticalHeaders, CoseHeaderValue.FromEncodedValue(crit.Encode()));
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, headers, CnCo()), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task Submit_X5ChainWithSeveralCertificates_UntrustedCert()
    {
        using var other = NewCredential();
        var headers = CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co");
        headers.Remove(new CoseHeaderLabel(33));
        var chain = new CborWriter();
        chain.WriteStartArray(2);
        chain.WriteByteString(s_twKey.Certificate.RawData);
        chain.WriteByteString(other.Certificate.RawData);
        chain.WriteEndArray();
        headers.Add(new CoseHeaderLabel(33), CoseHeaderValue.FromEncodedValue(chain.Encode()));
        await AssertRefusedAsync(CoseWire.Sign(s_twKey, headers, CnCo()), ReasonCodes.UntrustedCert);
    }

    /// <summary>Refused with the code in the trailer, logged as rejected, accepted entries untouched, node still serving.</summary>
    private static async Task AssertRefusedAsync(byte[] envelope, string reasonCode, bool compareRaw = true)
    {
        var before = (await s_cn.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => Convert.ToHexString(e.LeafHash)).ToList();
        var answer = await CoseWire.SubmitAsync(s_cn.Config.GrpcUrl, envelope);
        Assert.AreEqual(reasonCode, answer.ReasonCode, $"status {answer.Status}");
        Assert.AreNotEqual(StatusCode.OK, answer.Status);

        var entry = (await s_cn.LogAsync())[^1];
        Assert.AreEqual(Verdict.Rejected, entry.Draft.Verdict);
        Assert.AreEqual(reasonCode, entry.Draft.ReasonCode);
        Assert.AreEqual("grpc", entry.Draft.Transport);
        if (compareRaw)
        {
            CollectionAssert.AreEqual(envelope, entry.Draft.Raw);
        }
        else
        {
            Assert.AreEqual(s_cn.Config.MaxMessageBytes, entry.Draft.Raw.Length, "an oversize message is logged capped at the limit");
        }

        var after = (await s_cn.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => Convert.ToHexString(e.LeafHash)).Take(before.Count).ToList();
        CollectionAssert.AreEqual(before, after);
        var good = await CoseWire.SubmitAsync(s_cn.Config.GrpcUrl, CoseWire.Sign(s_twKey, CoseWire.Headers(s_twKey, "TW", "CN", "ecfa.co"), CnCo()));
        Assert.AreEqual(StatusCode.OK, good.Status, "the node still serves");
    }

    private static PartnerTrust CnTrust()
    {
        var profile = System.Text.Json.JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(s_cn.Folder.ProfileFile), NodeConfig.Json)!;
        return new PartnerTrust("CN", profile.Certificates.Select(c => new PinnedCertificate(KeyFiles.ReadCertificate(c.Pem), c.ValidFrom, c.ValidTo)).ToList());
    }

    private static byte[] CnCo() => AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var (f, t) = (Encoding.UTF8.GetBytes(from), Encoding.UTF8.GetBytes(to));
        var at = bytes.AsSpan().IndexOf(f);
        Assert.IsTrue(at >= 0, $"'{from}' not found");
        var copy = bytes.ToArray();
        t.CopyTo(copy, at);
        return copy;
    }

    private static NodeCredential NewCredential() => TestKeys.NewCredential();
}
