using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json;
using System.Xml;
using N2N.Adapters.EcfaCo;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Exchange;

/// <summary>TW and CN nodes on 127.0.0.1 exchanging ECFA certificates of origin over signed SOAP.</summary>
[TestClass]
public sealed class SoapExchangeTests
{
    private static TestNode s_tw = null!;
    private static TestNode s_cn = null!;
    private static TestNode s_kr = null!; // never started: TW pins its certificate, nobody holds a running KR node
    private static NodeCredential s_twKey = null!;
    private static NodeCredential s_cnKey = null!;

    [ClassInitialize]
    public static async Task StartNodesAsync(TestContext context)
    {
        s_tw = TestNode.Create("TW");
        s_cn = TestNode.Create("CN");
        s_kr = TestNode.Create("KR");
        s_tw.AddPartner(s_cn);
        s_tw.AddPartner(s_kr);
        s_cn.AddPartner(s_tw);
        await s_tw.StartAsync();
        await s_cn.StartAsync();
        s_twKey = s_tw.LoadCredential();
        s_cnKey = s_cn.LoadCredential();
    }

    [ClassCleanup]
    public static async Task StopNodesAsync()
    {
        await s_tw.DisposeAsync();
        await s_cn.DisposeAsync();
        await s_kr.DisposeAsync();
        s_twKey.Dispose();
        s_cnKey.Dispose();
    }

    [TestMethod]
    public async Task Send_TwCoToCn_CnHoldsCanonicalAndCnFormat_ReceiptVerifies_BothLogsHoldEntries()
    {
        var id = await s_tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        var message = await s_tw.WaitForFinalStateAsync(id);
        Assert.AreEqual(OutboxState.Delivered, message.State, message.LastError);

        var inbound = (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        Assert.AreEqual(Direction.In, inbound.Draft.Direction);
        Assert.AreEqual(Verdict.Accepted, inbound.Draft.Verdict);
        Assert.AreEqual(MainlandEcfaCoAdapter.AdapterId, inbound.Draft.AdapterId);
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"), inbound.Draft.CanonicalJson!, "CN canonical");
        AdapterAssert.AssertXmlEquivalent(AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), BodyDocument(inbound.Draft.Raw), "CN raw document");

        // The sender logged exactly the bytes the receiver logged, and the receiver's signed receipt for them.
        var sent = (await s_tw.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        Assert.AreEqual(Direction.Out, sent.Draft.Direction);
        CollectionAssert.AreEqual(inbound.Draft.Raw, sent.Draft.Raw);
        var receiptEntry = (await s_tw.LogAsync()).Single(e => e.Draft.RelatedMessageId == id.ToString());
        var receipt = SoapWire.VerifyReceipt(new SoapAnswer(200, receiptEntry.Draft.Raw, null), s_cn);
        Assert.AreEqual(Receipt.Accepted, receipt.Status);
        Assert.AreEqual(id, receipt.RefToMessageId);
        Assert.AreEqual(inbound.Index, receipt.LogIndex);
        CollectionAssert.AreEqual(SHA256.HashData(inbound.Draft.Raw), receipt.ReceivedDigest);
        CollectionAssert.AreEqual(receipt.RootHash, message.Receipt!.RootHash);
    }

    [TestMethod]
    public async Task BackendApi_WithoutOrWithWrongKey_401_InboxListsCanonicalDocuments()
    {
        using var anonymous = new HttpClient { BaseAddress = s_cn.Api.BaseAddress };
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/inbox")).StatusCode);
        anonymous.DefaultRequestHeaders.Add(N2N.Node.Api.BackendApi.ApiKeyHeader, s_tw.Config.ApiKey);
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/inbox")).StatusCode, "another node's key");

        var id = await s_tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await s_tw.WaitForFinalStateAsync(id)).State);
        var inbox = JsonDocument.Parse(await s_cn.Api.GetStringAsync("api/inbox")).RootElement;
        var item = inbox.EnumerateArray().Single(e => e.GetProperty("messageId").GetString() == id.ToString());
        Assert.AreEqual("TW", item.GetProperty("from").GetString());
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"),
            Encoding.UTF8.GetBytes(item.GetProperty("canonical").GetRawText()), "inbox canonical");
        var status = JsonDocument.Parse(await s_tw.Api.GetStringAsync($"api/outbox/{id}")).RootElement;
        Assert.AreEqual("delivered", status.GetProperty("state").GetString());
        Assert.AreEqual("Accepted", status.GetProperty("receipt").GetProperty("status").GetString());
    }

    [TestMethod]
    public async Task Send_Co002With2023Ban_Accepted()
    {
        var id = await s_tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-002-ban-2023-rule.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await s_tw.WaitForFinalStateAsync(id)).State);
    }

    public static IEnumerable<object[]> InvalidSamples =>
    [
        ["invalid/co-21-items.xml", "RULE_VIOLATION", "items.count"],
        ["invalid/co-bad-criterion.xml", "RULE_VIOLATION", "item.origin-criterion"],
        ["invalid/co-declaration-after-certification.xml", "RULE_VIOLATION", "co.dates"],
        ["invalid/co-duplicate-item-no.xml", "RULE_VIOLATION", "item.number"],
        ["invalid/co-hs-6-digits.xml", "RULE_VIOLATION", "item.hs-code"],
        ["invalid/co-retroactive-without-declaration.xml", "RULE_VIOLATION", "co.retroactive"],
        ["invalid/co-validity-too-long.xml", "RULE_VIOLATION", "co.validity"],
        ["invalid-extra/co-bad-ban-checksum.xml", "RULE_VIOLATION", "party.tw-ban"],
        ["invalid/co-truncated.xml", "MALFORMED", null!],
    ];

    [TestMethod]
    [DynamicData(nameof(InvalidSamples))]
    public async Task Send_InvalidSample_RefusedAtSenderWithRuleId_NothingQueued(string file, string reasonCode, string? ruleId)
    {
        var before = (await s_tw.Store.ListOutboxAsync(null, CancellationToken.None)).Count;
        var response = await s_tw.PostOutboxAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", file)));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, response.StatusCode, body.ToString());
        Assert.AreEqual(reasonCode, body.GetProperty("reasonCode").GetString());
        Assert.AreEqual(ruleId, body.GetProperty("ruleId").GetString());
        Assert.AreEqual(before, (await s_tw.Store.ListOutboxAsync(null, CancellationToken.None)).Count);
    }

    [TestMethod]
    [DynamicData(nameof(InvalidSamples))]
    public async Task Post_InvalidSampleSignedRaw_ReceiverRefusesWithRuleId(string file, string reasonCode, string? ruleId)
    {
        var bytes = AdapterAssert.ReadData("ecfa-co", file);
        SoapAnswer answer;
        if (reasonCode == "MALFORMED")
        {
            // A truncated document cannot sit inside a well-formed envelope: what arrives is a truncated message.
            var whole = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), s_cn.SoapUrlFor("TW"));
            answer = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), whole[..(whole.Length * 2 / 3)]);
            Assert.AreEqual(ReasonCodes.Malformed, answer.FaultCode);
            return;
        }

        // Render the bad content in the agreed CN format, bypassing our own send-time validation, and sign it.
        var canonical = new TaiwanEcfaCoAdapter().ToCanonical(bytes);
        Assert.IsTrue(canonical.IsSuccess, canonical.Error?.Message);
        var cnDocument = new MainlandEcfaCoAdapter().FromCanonical(canonical.Document!);
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", cnDocument, s_cn.SoapUrlFor("TW"));

        answer = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), envelope);
        var receipt = SoapWire.VerifyReceipt(answer, s_cn);
        Assert.AreEqual(Receipt.Rejected, receipt.Status);
        Assert.AreEqual(reasonCode, receipt.ReasonCode);
        Assert.AreEqual(ruleId, receipt.RuleId);
        var entry = await LastEntryAsync(s_cn);
        Assert.AreEqual(Verdict.Rejected, entry.Draft.Verdict);
        Assert.AreEqual(receipt.LogIndex, entry.Index);
        CollectionAssert.AreEqual(envelope, entry.Draft.Raw);
    }

    [TestMethod]
    public async Task Post_TamperedBodyAfterSigning_BadSignature()
    {
        var envelope = SignCo();
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(envelope).Replace("<MZ>11200</MZ>", "<MZ>11900</MZ>", StringComparison.Ordinal));
        CollectionAssert.AreNotEqual(envelope, tampered);
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), tampered, ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Post_SignedWithKeyNotPinned_UntrustedCert()
    {
        using var stranger = NewCredential("TW", KeyKind.EcdsaP256);
        var envelope = SoapWire.Sign(stranger, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"));
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task Post_CnKeyOnKrPath_UntrustedCert()
    {
        var envelope = SoapWire.Sign(s_cnKey, "CN", "TW", "aeo.status-list", CnCo(), s_tw.SoapUrlFor("KR"));
        await AssertRefusedAsync(s_tw, s_tw.SoapUrlFor("KR"), envelope, ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task Post_CnKeyOnUnconfiguredPartnerPath_UnknownPartner()
    {
        var envelope = SoapWire.Sign(s_cnKey, "CN", "TW", "ecfa.co", CnCo(), s_tw.SoapUrlFor("SG"));
        await AssertRefusedAsync(s_tw, s_tw.SoapUrlFor("SG"), envelope, ReasonCodes.UnknownPartner);
    }

    [TestMethod]
    public async Task Post_FromHeaderNotMatchingSigner_UntrustedCert()
    {
        // Signed by TW's pinned key, but claiming to come from KR, on TW's own path at CN.
        var envelope = SoapWire.Sign(s_twKey, "KR", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"));
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.UntrustedCert);
    }

    [TestMethod]
    public async Task Post_Timestamp10MinutesOld_StaleTimestamp()
    {
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), now: DateTimeOffset.UtcNow.AddMinutes(-10));
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.StaleTimestamp);
    }

    [TestMethod]
    public async Task Post_RsaSha1Signature_WeakAlgorithm()
    {
        using var rsa = NewCredential("TW", KeyKind.Rsa3072);
        var envelope = SoapWire.Sign(rsa, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"),
            deviation: new SigningDeviation { SignatureMethod = SignedXml.XmlDsigRSASHA1Url });
        StringAssert.Contains(Encoding.UTF8.GetString(envelope), SignedXml.XmlDsigRSASHA1Url);
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.WeakAlgorithm);
    }

    [TestMethod]
    public async Task Post_Sha1DigestWithPinnedKey_WeakAlgorithm()
    {
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"),
            deviation: new SigningDeviation { DigestMethod = SignedXml.XmlDsigSHA1Url });
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.WeakAlgorithm);
    }

    [TestMethod]
    public async Task Post_BodyNotCoveredBySignature_BadSignature()
    {
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"),
            deviation: new SigningDeviation { SignReference = id => id != "id-body" });
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Post_XPointerReferences_BadSignature()
    {
        // '#xpointer(id(...))' resolves in .NET but names an id the coverage check would read differently: refused outright.
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"),
            deviation: new SigningDeviation { ReferenceUri = id => $"#xpointer(id('{id}'))" });
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), envelope, ReasonCodes.BadSignature);
    }

    [TestMethod]
    public async Task Post_SignatureValueNotBase64_MalformedAndLogged()
    {
        var text = Encoding.UTF8.GetString(SignCo());
        var start = text.IndexOf("SignatureValue>", StringComparison.Ordinal) + "SignatureValue>".Length;
        var broken = text[..start] + "!!not base64!!" + text[text.IndexOf('<', start)..];
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), Encoding.UTF8.GetBytes(broken), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task Post_CommentInjectedIntoSignedBody_AdapterSeesTheSignedContent_RetryGetsTheSameReceipt()
    {
        var id = Guid.NewGuid();
        var genuine = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), messageId: id);
        // The Body digest ignores comments, so this still verifies; what reaches the adapter must be the signed content only.
        var injected = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine).Replace("<MZ>11200</MZ>", "<MZ>112<!--x-->00</MZ><!-- injected -->", StringComparison.Ordinal));
        var first = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), injected);
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(first, s_cn).Status);
        var entry = (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Single();
        AdapterAssert.AssertJsonEquivalent(AdapterAssert.ReadData("ecfa-co", "canonical", "co-001.json"), entry.Draft.CanonicalJson!, "canonical");

        var retry = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), messageId: id));
        CollectionAssert.AreEqual(first.Body, retry.Body, "the same signed content is the same document: original receipt, not CONFLICT");
    }

    [TestMethod]
    public async Task Post_Doctype_Malformed()
    {
        var text = Encoding.UTF8.GetString(SignCo());
        var withDoctype = text.Insert(text.IndexOf("?>", StringComparison.Ordinal) + 2, "<!DOCTYPE s:Envelope [<!ENTITY x \"y\">]>");
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), Encoding.UTF8.GetBytes(withDoctype), ReasonCodes.Malformed);
    }

    [TestMethod]
    public async Task Post_DuplicateMessageId_OriginalReceipt_OneLogEntry()
    {
        var id = Guid.NewGuid();
        var first = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), messageId: id));
        // A retry is re-signed (new timestamp, new bytes) but carries the same id and document.
        var retry = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), messageId: id));

        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(first, s_cn).Status);
        CollectionAssert.AreEqual(first.Body, retry.Body, "the duplicate must get the original receipt, byte for byte");
        Assert.AreEqual(1, (await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None)).Count);
    }

    [TestMethod]
    public async Task Post_SameMessageIdDifferentDocument_Conflict()
    {
        var id = Guid.NewGuid();
        var first = await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"), messageId: id));
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(first, s_cn).Status);
        var other = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(CnCo()).Replace("<MZ>11200</MZ>", "<MZ>11900</MZ>", StringComparison.Ordinal));
        var second = SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", other, s_cn.SoapUrlFor("TW"), messageId: id);
        await AssertRefusedAsync(s_cn, s_cn.SoapUrlFor("TW"), second, ReasonCodes.Conflict);
        var entries = await s_cn.Store.FindByMessageIdAsync(id.ToString(), CancellationToken.None);
        Assert.AreEqual(1, entries.Count(e => e.Draft.Verdict == Verdict.Accepted));
    }

    [TestMethod]
    public async Task Post_DocumentTypeNotInProfile_SignedRejectedReceipt_NotAllowed()
    {
        var envelope = SoapWire.Sign(s_twKey, "TW", "CN", "aeo.status-list", CnCo(), s_cn.SoapUrlFor("TW"));
        var receipt = SoapWire.VerifyReceipt(await SoapWire.PostAsync(s_cn.SoapUrlFor("TW"), envelope), s_cn);
        Assert.AreEqual(Receipt.Rejected, receipt.Status);
        Assert.AreEqual(ReasonCodes.NotAllowed, receipt.ReasonCode);
    }

    /// <summary>The refusal is a fault with the code, logged as rejected with the raw bytes, and the node still serves.</summary>
    private static async Task AssertRefusedAsync(TestNode receiver, string url, byte[] envelope, string reasonCode)
    {
        var accepted = (await receiver.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => e.LeafHash).ToList();
        var answer = await SoapWire.PostAsync(url, envelope);
        Assert.AreEqual(reasonCode, answer.FaultCode, Encoding.UTF8.GetString(answer.Body));
        Assert.AreEqual(400, answer.Status);

        var entry = await LastEntryAsync(receiver);
        Assert.AreEqual(Verdict.Rejected, entry.Draft.Verdict);
        Assert.AreEqual(reasonCode, entry.Draft.ReasonCode);
        CollectionAssert.AreEqual(envelope, entry.Draft.Raw);

        // Nothing accepted changed, and the node still accepts a good message.
        var stillAccepted = (await receiver.LogAsync()).Where(e => e.Draft.Verdict == Verdict.Accepted).Select(e => e.LeafHash).Take(accepted.Count).ToList();
        CollectionAssert.AreEqual(accepted.Select(Convert.ToHexString).ToList(), stillAccepted.Select(Convert.ToHexString).ToList());
        var good = receiver == s_cn ? SignCo() : SoapWire.Sign(s_cnKey, "CN", "TW", "ecfa.co", CnCo(), s_tw.SoapUrlFor("CN"));
        var goodAnswer = await SoapWire.PostAsync(receiver == s_cn ? s_cn.SoapUrlFor("TW") : s_tw.SoapUrlFor("CN"), good);
        Assert.AreEqual(Receipt.Accepted, SoapWire.VerifyReceipt(goodAnswer, receiver).Status);
    }

    private static async Task<LogEntry> LastEntryAsync(TestNode node) => (await node.LogAsync())[^1];

    private static byte[] CnCo() => AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");

    private static byte[] SignCo() => SoapWire.Sign(s_twKey, "TW", "CN", "ecfa.co", CnCo(), s_cn.SoapUrlFor("TW"));

    private static NodeCredential NewCredential(string nodeId, KeyKind kind) => TestKeys.NewCredential(nodeId, kind);

    private static byte[] BodyDocument(byte[] envelope)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(Encoding.UTF8.GetString(envelope));
        var body = document.GetElementsByTagName("Body", WsNames.Soap12).OfType<XmlElement>().Single();
        return Encoding.UTF8.GetBytes(body.ChildNodes.OfType<XmlElement>().Single().OuterXml);
    }
}
