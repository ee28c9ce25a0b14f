using System.Security.Cryptography.Cose;
using N2N.ConformanceTests.Adapters;
using N2N.Trust;
using N2N.Trust.Cose;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;

namespace N2N.ConformanceTests.Trust;

[TestClass]
public sealed class CoseEnvelopeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static NodeCredential NewCredential(KeyKind kind) => Hosting.TestKeys.NewCredential("TW", kind);

    [TestMethod]
    [DataRow(KeyKind.EcdsaP256, CoseEnvelope.Es256)]
    [DataRow(KeyKind.Rsa3072, CoseEnvelope.Ps256)]
    public void SignThenVerify_EachKeyKind_AlgAndHeaderAndPayloadIntact(KeyKind kind, int expectedAlg)
    {
        using var credential = NewCredential(kind);
        var header = new ExchangeHeader(Guid.NewGuid(), "conv-1", "TW", "CN", "ecfa.co", DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()));
        var payload = AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");
        var envelope = CoseEnvelope.Sign(header, "application/xml", payload, credential);

        Assert.AreEqual(expectedAlg, CoseMessage.DecodeSign1(envelope).ProtectedHeaders[CoseHeaderLabel.Algorithm].GetValueAsInt32());
        var verified = CoseEnvelope.Verify(envelope, new PartnerTrust("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-1), Now.AddDays(30))]), Now);
        Assert.AreEqual(header, verified.Header);
        CollectionAssert.AreEqual(payload, verified.Payload);
    }

    [TestMethod]
    public void Verify_UnprotectedHeaderPresent_Malformed()
    {
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var headers = new CoseHeaderMap
        {
            { CoseHeaderLabel.ContentType, "application/xml" },
            { new CoseHeaderLabel(33), CoseHeaderValue.FromBytes(credential.Certificate.RawData) },
        };
        var unprotected = new CoseHeaderMap { { new CoseHeaderLabel("n2n-from"), "TW" } };
        var envelope = CoseSign1Message.SignEmbedded([1, 2, 3], new CoseSigner((System.Security.Cryptography.ECDsa)credential.PrivateKey,
            System.Security.Cryptography.HashAlgorithmName.SHA256, headers, unprotected));
        var e = Assert.ThrowsExactly<TrustException>(() => CoseEnvelope.Verify(envelope, new PartnerTrust("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-1), Now.AddDays(30))]), Now));
        Assert.AreEqual(ReasonCodes.Malformed, e.ReasonCode);
    }
}
