using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Attacks;

/// <summary>
/// Attacks on the SOAP binding, each a real request to a running CN node: the exact reason code, the attempt logged
/// as rejected with its raw bytes (capped at the limit), accepted entries unchanged, and the node still serving.
/// </summary>
[TestClass]
public sealed class SoapAttackTests
{
    private static TestNode s_tw = null!;
    private static TestNode s_cn = null!;
    private static TestNode s_kr = null!;
    private static NodeCredential s_twKey = null!;
    private static NodeCredential s_krKey = null!;
    private static NodeCredential s_expired = null!;
    private static NodeCredential s_noSigningUsage = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tw = TestNode.Create("TW");
        s_cn = TestNode.Create("CN");
        s_kr = TestNode.Create("KR");
        s_cn.AddPartner(s_tw);
        s_cn.AddPartner(s_kr, TransportKind.Soap, TestNode.EcfaInCnFormat);
        s_twKey = s_tw.LoadCredential();
        s_krKey = s_kr.LoadCredential();

        // Two more certificates pinned for TW: one whose validity has ended, one not allowed to sign.
        s_expired = ExpiredCredential();
        s_noSigningUsage = CredentialWithUsage(X509KeyUsageFlags.KeyEncipherment);
        var longOverlap = TimeSpan.FromDays(3650);
        PartnerDirectory.Rotate(s_cn.Folder, "TW", s_expired.Certificate.ExportCertificatePem(), DateTimeOffset.UtcNow.AddDays(-400), longOverlap);
        PartnerDirectory.Rotate(s_cn.Folder, "TW", s_noSigningUsage.Certificate.ExportCertificatePem(), DateTimeOffset.UtcNow, longOverlap);
        await s_cn.StartAsync();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_cn.DisposeAsync();
        await s_tw.DisposeAsync();
        await s_kr.DisposeAsync();
    }

    private static string Url => s_cn.SoapUrlFor("TW");

    private static byte[] Co() => AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");

    private static string Signed(SigningDeviation? deviation = null, NodeCredential? key = null, DateTimeOffset? now = null) =>
        Encoding.UTF8.GetString(SoapWire.Sign(key ?? s_twKey, "TW", "CN", "ecfa.co", Co(), Url, now, deviation: deviation));

    private static string Between(string text, string start, string end)
    {
        var a = text.IndexOf(start, StringComparison.Ordinal);
        var b = text.IndexOf(end, a, StringComparison.Ordinal) + end.Length;
        return text[a..b];
    }

    private static async Task Refused(string envelope, string code, string? url = null) => await Refused(Encoding.UTF8.GetBytes(envelope), code, url);

    private static async Task Refused(byte[] envelope, string code, string? url = null)
    {
        var accepted = (await s_cn.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => Convert.ToHexString(e.LeafHash)).ToList();
        // Oversize bodies go over a raw socket: the node answers after reading up to its limit and closes, which
        // HttpClient reports as a broken pipe instead of reading the early answer.
        var answer = envelope.Length > s_cn.Config.MaxMessageBytes ? await PostOverSocketAsync(url ?? Url, envelope) : await SoapWire.PostAsync(url ?? Url, envelope);
        Assert.AreEqual(code, answer.FaultCode, Encoding.UTF8.GetString(answer.Body));

        var entry = (await s_cn.LogAsync())[^1];
        Assert.AreEqual(Verdict.Rejected, entry.Draft.Verdict);
        Assert.AreEqual(code, entry.Draft.ReasonCode);
        var logged = envelope.Length > s_cn.Config.MaxMessageBytes ? envelope[..s_cn.Config.MaxMessageBytes] : envelope;
        CollectionAssert.AreEqual(logged, entry.Draft.Raw, "the attempt is logged with its raw bytes, capped at the size limit");

        var still = (await s_cn.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => Convert.ToHexString(e.LeafHash)).Take(accepted.Count).ToList();
        CollectionAssert.AreEqual(accepted, still, "nothing accepted changed");
        var good = await SoapWire.PostAsync(Url, Encoding.UTF8.GetBytes(Signed()));
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(good, s_cn).Status, "the node still serves");
    }

    // ---- Signature wrapping: the XSW shapes of "On Breaking SAML", adapted to SOAP ----

    [TestMethod]
    public async Task Xsw1_SignedBodyMovedToAHeaderWrapper_UnsignedBodyInPlace() =>
        await Refused(MoveSignedBody(text => text.Replace("<s:Header>", "<s:Header><x:W xmlns:x=\"urn:x\">" + SignedBody(text) + "</x:W>", StringComparison.Ordinal)), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task Xsw2_SignedBodyMovedIntoTheSecurityHeader_UnsignedBodyInPlace() =>
        await Refused(MoveSignedBody(text => text.Replace("</wsse:Security>", SignedBody(text) + "</wsse:Security>", StringComparison.Ordinal)), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task Xsw3_DecoyWithTheBodysIdBeforeTheRealBody()
    {
        var text = Signed();
        await Refused(text.Replace("<s:Header>", "<s:Header><x:D xmlns:x=\"urn:x\" wsu:Id=\"id-body\"/>", StringComparison.Ordinal), ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Xsw4_SignedBodyNestedInsideTheForgedDocument() =>
        await Refused(MoveSignedBody(text => text, nestInForgery: true), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task Xsw5_SignedIdMovedToADecoy_RealBodyRenamed()
    {
        var text = Signed();
        var body = SignedBody(text);
        var forged = text.Replace(body, body.Replace("wsu:Id=\"id-body\"", "wsu:Id=\"id-other\"", StringComparison.Ordinal).Replace("<ZSBH>ECFA-TW-115-0001234", "<ZSBH>FORGED", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("<s:Header>", "<s:Header><x:D xmlns:x=\"urn:x\">" + body.Replace("s:Body", "x:Body", StringComparison.Ordinal).Replace("<x:Body", "<x:Body xmlns:x=\"urn:x\"", StringComparison.Ordinal) + "</x:D>", StringComparison.Ordinal);
        await Refused(forged, ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Xsw6_OnlyTheTimestampSigned() =>
        await Refused(Signed(new SigningDeviation { SignReference = id => id == "id-ts" }), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task Xsw7_OnlyTheExchangeHeaderSigned() =>
        await Refused(Signed(new SigningDeviation { SignReference = id => id == "id-xch" }), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task Xsw8_ASecondSignatureElement()
    {
        var text = Signed();
        var signature = Between(text, "<Signature xmlns=", "</Signature>");
        await Refused(text.Replace("</wsse:Security>", "</wsse:Security>", StringComparison.Ordinal).Replace("<s:Body", "<s:Body", StringComparison.Ordinal)
            .Replace("<wsa:To ", "<x:S xmlns:x=\"urn:x\">" + signature + "</x:S><wsa:To ", StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task XPointerReferences() =>
        await Refused(Signed(new SigningDeviation { ReferenceUri = id => $"#xpointer(id('{id}'))" }), ReasonCodes.BadSignature);

    // ---- Key confusion ----

    [TestMethod]
    public async Task TokenCarriesAnotherPartnersCertificate_SignedWithItsKey() =>
        await Refused(Signed(key: s_krKey), ReasonCodes.UntrustedCert);

    [TestMethod]
    public async Task SelfSignedLookAlike_SameSubjectNewKey()
    {
        using var lookAlike = CredentialWithUsage(X509KeyUsageFlags.DigitalSignature, s_twKey.Certificate.SubjectName);
        Assert.AreEqual(s_twKey.Certificate.Subject, lookAlike.Certificate.Subject);
        await Refused(Signed(key: lookAlike), ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task PinnedButExpiredCertificate() => await Refused(Signed(key: s_expired), ReasonCodes.CertExpired);

    [TestMethod]
    public async Task PinnedCertificateWithoutDigitalSignatureUsage() => await Refused(Signed(key: s_noSigningUsage), ReasonCodes.UntrustedCert);

    [TestMethod]
    public async Task TokenSwappedForAnotherCertificateAfterSigning()
    {
        var text = Signed();
        var token = Between(text, "ValueType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3\">", "</wsse:BinarySecurityToken>");
        await Refused(text.Replace(token, token[..token.IndexOf('>', StringComparison.Ordinal)] + ">" + Convert.ToBase64String(s_krKey.Certificate.RawData) + "</wsse:BinarySecurityToken>", StringComparison.Ordinal),
            ReasonCodes.UntrustedCert);
    }

    // ---- Algorithm games ----

    [TestMethod]
    public async Task RsaSha1SignatureMethod()
    {
        using var rsa = TestKeys.NewCredential("TW", KeyKind.Rsa3072);
        await Refused(Signed(new SigningDeviation { SignatureMethod = SignedXml.XmlDsigRSASHA1Url }, rsa), ReasonCodes.WeakAlgorithm);
    }

    [TestMethod]
    public async Task Sha1Digest() => await Refused(Signed(new SigningDeviation { DigestMethod = SignedXml.XmlDsigSHA1Url }), ReasonCodes.WeakAlgorithm);

    [TestMethod]
    public async Task HmacSignatureMethod() =>
        await Refused(Signed().Replace(WsNames.EcdsaSha256, "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", StringComparison.Ordinal), ReasonCodes.WeakAlgorithm);

    [TestMethod]
    public async Task XsltTransform() => await Refused(WithExtraTransform("http://www.w3.org/TR/1999/REC-xslt-19991116",
        "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/>"), ReasonCodes.WeakAlgorithm);

    [TestMethod]
    public async Task XPathTransform() => await Refused(WithExtraTransform(SignedXml.XmlDsigXPathTransformUrl, "<XPath>not(ancestor-or-self::x)</XPath>"), ReasonCodes.WeakAlgorithm);

    [TestMethod]
    public async Task C14nWithComments() =>
        await Refused(Signed().Replace($"<CanonicalizationMethod Algorithm=\"{SignedXml.XmlDsigExcC14NTransformUrl}\"", $"<CanonicalizationMethod Algorithm=\"{SignedXml.XmlDsigExcC14NWithCommentsTransformUrl}\"", StringComparison.Ordinal),
            ReasonCodes.WeakAlgorithm);

    [TestMethod]
    public async Task ExternalUriReference() =>
        await Refused(Signed().Replace("URI=\"#id-body\"", "URI=\"http://127.0.0.1:9/evil.xml\"", StringComparison.Ordinal), ReasonCodes.BadSignature);

    [TestMethod]
    public async Task CommentInsideASignedTextValue_AcceptedAsSigned()
    {
        var id = Guid.NewGuid();
        var text = Encoding.UTF8.GetString(SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", Co(), Url, messageId: id));
        var answer = await SoapWire.PostAsync(Url, Encoding.UTF8.GetBytes(text.Replace("<SPBM>84571010</SPBM>", "<SPBM>8457<!--99-->1010</SPBM>", StringComparison.Ordinal)));
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(answer, s_cn).Status);
        var entry = (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"), entry.Draft.CanonicalJson!, "the value as signed");
    }

    // ---- Parsing ----

    [TestMethod]
    public async Task BillionLaughs() => await Refused(WithDoctype("<!DOCTYPE s:Envelope [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>", "&c;"), ReasonCodes.Malformed);

    [TestMethod]
    public async Task ExternalEntity() => await Refused(WithDoctype("<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;"), ReasonCodes.Malformed);

    [TestMethod]
    public async Task Utf16Encoded() =>
        await Refused(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Signed().Replace("encoding=\"utf-8\"", "encoding=\"utf-16\"", StringComparison.Ordinal))).ToArray(), ReasonCodes.Malformed);

    [TestMethod]
    public async Task Utf7Declared() => await Refused(Signed().Replace("encoding=\"utf-8\"", "encoding=\"utf-7\"", StringComparison.Ordinal), ReasonCodes.Malformed);

    [TestMethod]
    public async Task Nesting10000Deep()
    {
        var text = Signed();
        var deep = string.Concat(Enumerable.Repeat("<d>", 10_000)) + string.Concat(Enumerable.Repeat("</d>", 10_000));
        await Refused(text.Replace("<ZSBH>", "<X xmlns=\"\">" + deep + "</X><ZSBH>", StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task FiftyMegabyteBody()
    {
        var text = Signed();
        var filler = new string(' ', 50 * 1024 * 1024);
        await Refused(text.Replace("<ZSBH>", filler + "<ZSBH>", StringComparison.Ordinal), ReasonCodes.TooLarge);
    }

    [TestMethod]
    public async Task HundredThousandAttributes()
    {
        var attributes = string.Concat(Enumerable.Range(0, 100_000).Select(i => $" a{i}=\"1\""));
        await Refused(Signed().Replace("<ZSBH>", "<X xmlns=\"\"" + attributes + "/><ZSBH>", StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    // ---- Freshness and identity ----

    [TestMethod]
    public async Task ExpiredTimestamp() => await Refused(Signed(now: DateTimeOffset.UtcNow.AddMinutes(-11)), ReasonCodes.StaleTimestamp);

    [TestMethod]
    public async Task FutureDatedTimestamp() => await Refused(Signed(now: DateTimeOffset.UtcNow.AddMinutes(11)), ReasonCodes.StaleTimestamp);

    [TestMethod]
    public async Task MissingTimestamp()
    {
        var text = Signed();
        await Refused(text.Replace(Between(text, "<wsu:Timestamp", "</wsu:Timestamp>"), "", StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task TwoTimestamps()
    {
        var text = Signed();
        var timestamp = Between(text, "<wsu:Timestamp", "</wsu:Timestamp>");
        await Refused(text.Replace(timestamp, timestamp + timestamp.Replace("id-ts", "id-ts2", StringComparison.Ordinal), StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task TwoSecurityHeaders()
    {
        var text = Signed();
        await Refused(text.Replace("<s:Header>", "<s:Header><wsse:Security/>", StringComparison.Ordinal), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task FromHeaderNotTheSigner() =>
        await Refused(Encoding.UTF8.GetString(SoapWire.Sign(s_twKey, "KR", "CN", "ecfa.co", Co(), Url)), ReasonCodes.UntrustedCert);

    [TestMethod]
    public async Task PartnerPathNotTheSigner() =>
        await Refused(Encoding.UTF8.GetString(SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", Co(), s_cn.SoapUrlFor("KR"))), ReasonCodes.UntrustedCert, s_cn.SoapUrlFor("KR"));

    [TestMethod]
    public async Task OldValidMessageReplayedWithANewMessageId()
    {
        var text = Signed();
        var id = Between(text, "urn:uuid:", "</wsa:MessageID>");
        await Refused(text.Replace(id, $"urn:uuid:{Guid.NewGuid()}</wsa:MessageID>", StringComparison.Ordinal), ReasonCodes.BadSignature);
    }

    // ---- helpers ----

    private static async Task<SoapAnswer> PostOverSocketAsync(string url, byte[] body)
    {
        var uri = new Uri(url);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        var head = Encoding.ASCII.GetBytes($"POST {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/soap+xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        var send = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(head);
                for (var at = 0; at < body.Length; at += 65536)
                {
                    await stream.WriteAsync(body.AsMemory(at, Math.Min(65536, body.Length - at)));
                }
            }
            catch (IOException)
            {
                // The node stopped reading at its limit: expected.
            }
        });
        using var response = new MemoryStream();
        try
        {
            await stream.CopyToAsync(response);
        }
        catch (IOException)
        {
            // Connection reset after the answer was sent.
        }

        await send;
        var text = response.ToArray();
        var split = text.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.IsTrue(split > 0, "the node answered before closing");
        var status = int.Parse(Encoding.ASCII.GetString(text, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var payload = text[(split + 4)..];
        return new SoapAnswer(status, payload, N2N.Node.Transport.Soap.SoapFault.TryRead(payload)?.Code);
    }

    private static string SignedBody(string text) => text[text.IndexOf("<s:Body", StringComparison.Ordinal)..(text.IndexOf("</s:Body>", StringComparison.Ordinal) + "</s:Body>".Length)];

    /// <summary>Takes the signed Body out, lets <paramref name="place"/> put it somewhere, and puts a forged, unsigned Body in its place.</summary>
    private static string MoveSignedBody(Func<string, string> place, bool nestInForgery = false)
    {
        var text = Signed();
        var body = SignedBody(text);
        var forgedDocument = Encoding.UTF8.GetString(Co()).Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "", StringComparison.Ordinal)
            .Replace("ECFA-TW-115-0001234", "FORGED-0000001", StringComparison.Ordinal);
        if (nestInForgery)
        {
            forgedDocument = forgedDocument.Replace("</ECFA_CO>", "<Extra xmlns=\"urn:x\">" + body + "</Extra></ECFA_CO>", StringComparison.Ordinal);
        }

        var forgedBody = "<s:Body>" + forgedDocument + "</s:Body>";
        return place(text).Replace(body, forgedBody, StringComparison.Ordinal) is var moved && moved.Split("FORGED-0000001").Length > 1 ? moved : throw new InvalidOperationException("forgery not placed");
    }

    private static string WithExtraTransform(string algorithm, string content)
    {
        var text = Signed();
        var marker = $"<Transform Algorithm=\"{SignedXml.XmlDsigExcC14NTransformUrl}\" />";
        Assert.IsTrue(text.Contains(marker, StringComparison.Ordinal), "expected transform markup");
        return text.Replace(marker, marker + $"<Transform Algorithm=\"{algorithm}\">{content}</Transform>", StringComparison.Ordinal);
    }

    private static string WithDoctype(string doctype, string reference)
    {
        var text = Signed();
        return text.Insert(text.IndexOf("?>", StringComparison.Ordinal) + 2, doctype).Replace("<ZSBH>", "<ZSBH>" + reference, StringComparison.Ordinal);
    }

    private static NodeCredential ExpiredCredential()
    {
        var folder = Directory.CreateTempSubdirectory("n2n-expired-").FullName;
        KeyFiles.GenerateDevKey("TW", KeyKind.EcdsaP256, Path.Combine(folder, "c.pem"), Path.Combine(folder, "k.pem"), DateTimeOffset.UtcNow.AddDays(-400), TimeSpan.FromDays(30));
        return KeyFiles.Load(Path.Combine(folder, "c.pem"), Path.Combine(folder, "k.pem"));
    }

    private static NodeCredential CredentialWithUsage(X509KeyUsageFlags usage, X500DistinguishedName? subject = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject ?? new X500DistinguishedName("CN=N2N Node TW usage, C=TW"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return new NodeCredential(X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null));
    }
}
