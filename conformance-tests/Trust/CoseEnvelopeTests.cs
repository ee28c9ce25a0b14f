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

    [TestMethod]
    public void Verify_ManyAtOnceWithOnePin_EachGoodOnePassesAndTheTamperedOneFails()
    {
        // Pinned public keys are pooled and lent out: under contention each check must still use its own key and verdict.
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var trust = new PartnerTrust("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-1), Now.AddDays(30))]);
        var headers = Enumerable.Range(0, 64).Select(_ => new ExchangeHeader(Guid.NewGuid(), "c", "TW", "CN", "ecfa.co", DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()))).ToArray();
        var envelopes = headers.Select(h => CoseEnvelope.Sign(h, "application/xml", [1, 2, 3], credential)).ToArray();
        envelopes[17][^1] ^= 0x01;

        for (var round = 0; round < 2; round++)
        {
            var outcomes = new string[envelopes.Length];
            Parallel.For(0, envelopes.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                try
                {
                    outcomes[i] = CoseEnvelope.Verify(envelopes[i], trust, Now).Header.MessageId.ToString();
                }
                catch (TrustException e)
                {
                    outcomes[i] = e.ReasonCode;
                }
            });

            for (var i = 0; i < envelopes.Length; i++)
            {
                Assert.AreEqual(i == 17 ? ReasonCodes.BadSignature : headers[i].MessageId.ToString(), outcomes[i], $"envelope {i}, round {round}");
            }
        }
    }

    [TestMethod]
    public void Verify_SignerNotPinned_UntrustedCertNamingTheSigner()
    {
        using var pinned = NewCredential(KeyKind.EcdsaP256);
        using var other = Hosting.TestKeys.NewCredential("XX", KeyKind.EcdsaP256);
        var envelope = CoseEnvelope.Sign(new ExchangeHeader(Guid.NewGuid(), "c", "TW", "CN", "ecfa.co", Now), "application/xml", [1], other);

        var e = Assert.ThrowsExactly<TrustException>(() => CoseEnvelope.Verify(envelope, new PartnerTrust("TW", [new PinnedCertificate(pinned.Certificate, Now.AddDays(-1), Now.AddDays(30))]), Now));
        Assert.AreEqual(ReasonCodes.UntrustedCert, e.ReasonCode);
        StringAssert.Contains(e.Message, other.Certificate.Thumbprint);
    }

    [TestMethod]
    public void Verify_X5ChainNotACertificate_Malformed()
    {
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var headers = new CoseHeaderMap
        {
            { CoseHeaderLabel.ContentType, "application/xml" },
            { new CoseHeaderLabel(33), CoseHeaderValue.FromBytes([0x30, 0x03, 0x02, 0x01, 0x01]) },
            { new CoseHeaderLabel("n2n-id"), Guid.NewGuid().ToString("D") },
            { new CoseHeaderLabel("n2n-conversation"), "c" },
            { new CoseHeaderLabel("n2n-from"), "TW" },
            { new CoseHeaderLabel("n2n-to"), "CN" },
            { new CoseHeaderLabel("n2n-type"), "ecfa.co" },
            { new CoseHeaderLabel("n2n-created"), Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) },
        };
        var envelope = CoseSign1Message.SignEmbedded([1], new CoseSigner((System.Security.Cryptography.ECDsa)credential.PrivateKey, System.Security.Cryptography.HashAlgorithmName.SHA256, headers));

        var e = Assert.ThrowsExactly<TrustException>(() => CoseEnvelope.Verify(envelope, new PartnerTrust("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-1), Now.AddDays(30))]), Now));
        Assert.AreEqual(ReasonCodes.Malformed, e.ReasonCode);
        StringAssert.Contains(e.Message, "x5chain");
    }
}
