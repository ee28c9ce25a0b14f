using System.Text;
using System.Xml;
using N2N.ConformanceTests.Adapters;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Trust;

[TestClass]
public sealed class WsSecurityTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static NodeCredential NewCredential(KeyKind kind) => Hosting.TestKeys.NewCredential("TW", kind);

    private static PartnerTrust TrustOf(NodeCredential credential) =>
        new("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-1), Now.AddDays(30))]);

    private static byte[] Sign(NodeCredential credential) =>
        WsSecuritySigner.Sign(new SoapMessage(new ExchangeHeader(Guid.NewGuid(), "c-1", "TW", "CN", "ecfa.co", Now), "http://127.0.0.1/n2n/tw/soap", null,
            AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml")), credential, Now);

    [TestMethod]
    [DataRow(KeyKind.EcdsaP256, WsNames.EcdsaSha256)]
    [DataRow(KeyKind.Rsa3072, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")]
    public void SignThenVerify_EachKeyKind_PayloadAndHeaderIntact(KeyKind kind, string expectedMethod)
    {
        using var credential = NewCredential(kind);
        var envelope = Sign(credential);
        StringAssert.Contains(Encoding.UTF8.GetString(envelope), expectedMethod);

        var verified = WsSecurityVerifier.Verify(envelope, TrustOf(credential), Now);

        Assert.AreEqual("TW", verified.Header.From);
        Assert.AreEqual("ecfa.co", verified.Header.DocumentType);
        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), verified.Payload, "payload");
    }

    [TestMethod]
    public void Verify_SignedBodyMovedIntoHeaderAndUnsignedBodyInItsPlace_BadSignature()
    {
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(Encoding.UTF8.GetString(Sign(credential)));
        var envelope = document.DocumentElement!;
        var signedBody = envelope.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Body");
        var header = envelope.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Header");
        // XSW: the signed Body goes into a wrapper header; an attacker's Body, without an id, takes its place.
        var wrapper = document.CreateElement("x", "Wrapper", "urn:attacker");
        envelope.ReplaceChild(document.CreateElement("s", "Body", WsNames.Soap12), signedBody);
        wrapper.AppendChild(signedBody);
        header.AppendChild(wrapper);
        var evilBody = envelope.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Body");
        evilBody.InnerXml = "<ECFA_CO xmlns=\"urn:cn:customs:ecfa:eco:1\"><ZSBH>FORGED</ZSBH></ECFA_CO>";

        var e = Assert.ThrowsExactly<TrustException>(() => WsSecurityVerifier.Verify(Encoding.UTF8.GetBytes(document.OuterXml), TrustOf(credential), Now));
        Assert.AreEqual(ReasonCodes.BadSignature, e.ReasonCode, e.Message);
    }

    [TestMethod]
    public void Verify_DuplicatedWsuId_BadSignature()
    {
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var text = Encoding.UTF8.GetString(Sign(credential));
        var forged = text.Replace("<s:Header>", "<s:Header><x:Decoy xmlns:x=\"urn:attacker\" wsu:Id=\"id-body\"/>", StringComparison.Ordinal);
        var e = Assert.ThrowsExactly<TrustException>(() => WsSecurityVerifier.Verify(Encoding.UTF8.GetBytes(forged), TrustOf(credential), Now));
        Assert.AreEqual(ReasonCodes.BadSignature, e.ReasonCode, e.Message);
    }

    [TestMethod]
    public void Verify_PinnedCertificateOutsideItsTrustWindow_CertExpired()
    {
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var retired = new PartnerTrust("TW", [new PinnedCertificate(credential.Certificate, Now.AddDays(-30), Now.AddDays(-1))]);
        var e = Assert.ThrowsExactly<TrustException>(() => WsSecurityVerifier.Verify(Sign(credential), retired, Now));
        Assert.AreEqual(ReasonCodes.CertExpired, e.ReasonCode);
    }

    [TestMethod]
    public void Verify_NestingTenThousandDeep_MalformedWithoutStackOverflow()
    {
        var deep = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000));
        using var credential = NewCredential(KeyKind.EcdsaP256);
        var e = Assert.ThrowsExactly<TrustException>(() => WsSecurityVerifier.Verify(Encoding.UTF8.GetBytes(deep), TrustOf(credential), Now));
        Assert.AreEqual(ReasonCodes.Malformed, e.ReasonCode);
    }

    [TestMethod]
    public void Freshness_TenMinutesOld_Stale_FourMinutesOld_Fresh()
    {
        Assert.AreEqual(ReasonCodes.StaleTimestamp,
            Assert.ThrowsExactly<TrustException>(() => Freshness.Check(Now.AddMinutes(-10), Now.AddMinutes(-5), Now)).ReasonCode);
        Freshness.Check(Now.AddMinutes(-4), Now.AddMinutes(1), Now);
        Assert.AreEqual(ReasonCodes.StaleTimestamp,
            Assert.ThrowsExactly<TrustException>(() => Freshness.Check(Now.AddMinutes(6), Now.AddMinutes(11), Now)).ReasonCode);
    }
}
