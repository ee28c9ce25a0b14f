using N2N.Adapters;
using N2N.Adapters.Aeo;
using N2N.Adapters.Canonical;
using N2N.Adapters.EcfaCo;
using N2N.Adapters.Rules;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class AdapterCatalogAeoTests
{
    // The expectation for every file in aeo/invalid/, as listed in the data README (MALFORMED or SCHEMA_INVALID for the
    // two structural ones; both are refused as SCHEMA_INVALID: the files are well-formed, only their shape is wrong).
    private static readonly Dictionary<string, (string ReasonCode, string? RuleId)> s_invalidExpectations = new(StringComparer.Ordinal)
    {
        ["jp-bad-corporate-number.csv"] = ("RULE_VIOLATION", RuleIds.JapanCorporateNumber),
        ["jp-missing-column.csv"] = ("SCHEMA_INVALID", null),
        ["kr-bad-brn.xml"] = ("RULE_VIOLATION", RuleIds.KoreanBrn),
        ["kr-expiry-before-cert.xml"] = ("RULE_VIOLATION", RuleIds.AeoValidity),
        ["kr-unknown-status.xml"] = ("RULE_VIOLATION", RuleIds.AeoStatus),
        ["us-bad-date.json"] = ("SCHEMA_INVALID", null),
    };

    private static readonly AdapterCatalog s_catalog = AdapterCatalog.CreateBuiltIn();

    [TestMethod]
    public void CreateBuiltIn_Always_HoldsEveryAeoAdapterAfterTheCoAdapters()
    {
        CollectionAssert.AreEqual(
            new[]
            {
                ("tw.trade.ecfa-co/1", "ecfa.co"),
                ("cn.customs.ecfa-co/1", "ecfa.co"),
                ("us.cbp.ctpat-list/1", "aeo.status-list"),
                ("kr.customs.aeo-list/1", "aeo.status-list"),
                ("jp.customs.aeo-csv/1", "aeo.status-list"),
                ("n2n.canonical/1", "aeo.status-query"),
                ("n2n.canonical/1", "aeo.status-response"),
            },
            s_catalog.Adapters.Select(a => (a.Id, a.DocumentType)).ToArray());
    }

    [TestMethod]
    [DataRow("us.cbp.ctpat-list/1", typeof(UsCtpatListAdapter))]
    [DataRow("kr.customs.aeo-list/1", typeof(KoreaAeoListAdapter))]
    [DataRow("jp.customs.aeo-csv/1", typeof(JapanAeoCsvAdapter))]
    public void Find_UniqueId_FindsByIdAloneAndWithItsType(string adapterId, Type type)
    {
        Assert.IsInstanceOfType(s_catalog.Find(adapterId), type);
        Assert.IsInstanceOfType(s_catalog.Find(adapterId, "aeo.status-list"), type);
        Assert.IsNull(s_catalog.Find(adapterId, "ecfa.co"));
    }

    [TestMethod]
    [DataRow("aeo.status-query")]
    [DataRow("aeo.status-response")]
    public void Find_CanonicalIdWithDocumentType_FindsThatTypesInstance(string documentType)
    {
        IDocumentAdapter? adapter = s_catalog.Find(CanonicalJsonAdapter.AdapterId, documentType);

        Assert.IsInstanceOfType<CanonicalJsonAdapter>(adapter);
        Assert.AreEqual(documentType, adapter.DocumentType);
    }

    [TestMethod]
    public void Find_SharedIdWithoutDocumentType_Throws() =>
        Assert.ThrowsExactly<InvalidOperationException>(() => s_catalog.Find(CanonicalJsonAdapter.AdapterId));

    [TestMethod]
    public void Find_UnknownIdOrType_Null()
    {
        Assert.IsNull(s_catalog.Find("kr.customs.aeo-list/2"));
        Assert.IsNull(s_catalog.Find("kr.customs.aeo-list/2", "aeo.status-list"));
        Assert.IsNull(s_catalog.Find(CanonicalJsonAdapter.AdapterId, "aeo.status-list"));
    }

    [TestMethod]
    public void Constructor_SameIdForTwoDocumentTypes_Accepted()
    {
        var catalog = new AdapterCatalog([new CanonicalJsonAdapter("aeo.status-list"), new CanonicalJsonAdapter("ecfa.co")]);

        Assert.HasCount(2, catalog.Adapters);
    }

    [TestMethod]
    public void Constructor_SameIdAndDocumentTypeTwice_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() =>
            new AdapterCatalog([new CanonicalJsonAdapter("aeo.status-query"), new CanonicalJsonAdapter("aeo.status-query")]));

    [TestMethod]
    [DataRow("aeo/us/status-list-001.json", "aeo.status-list", "us.cbp.ctpat-list/1")]
    [DataRow("aeo/invalid/us-bad-date.json", "aeo.status-list", "us.cbp.ctpat-list/1")]
    [DataRow("aeo/kr/status-list-001.xml", "aeo.status-list", "kr.customs.aeo-list/1")]
    [DataRow("aeo/kr/status-list-002-delta.xml", "aeo.status-list", "kr.customs.aeo-list/1")]
    [DataRow("aeo/jp/status-list-001.csv", "aeo.status-list", "jp.customs.aeo-csv/1")]
    [DataRow("aeo/invalid/jp-missing-column.csv", "aeo.status-list", "jp.customs.aeo-csv/1")]
    [DataRow("aeo/canonical/query-001.json", "aeo.status-query", "n2n.canonical/1")]
    [DataRow("aeo/canonical/response-001.json", "aeo.status-response", "n2n.canonical/1")]
    public void Detect_Sample_FindsItsAdapter(string file, string documentType, string adapterId)
    {
        byte[] bytes = AdapterAssert.ReadData(file);

        IDocumentAdapter? detected = s_catalog.Detect(bytes, documentType);

        Assert.AreEqual(adapterId, detected?.Id);
        string[] claimants = [.. s_catalog.Adapters.Where(a => a.CanRead(bytes)).Select(a => $"{a.Id} ({a.DocumentType})")];
        Assert.HasCount(1, claimants, $"exactly one adapter claims {file}: {string.Join(", ", claimants)}");
    }

    [TestMethod]
    [DataRow("aeo/canonical/kr-status-list-001.json")]
    [DataRow("ecfa-co/tw/co-001.xml")]
    [DataRow("ecfa-co/canonical/co-001.json")]
    public void Detect_NotAnAeoListFormat_Null(string file) =>
        Assert.IsNull(s_catalog.Detect(AdapterAssert.ReadData(file), "aeo.status-list"));

    [TestMethod]
    [DataRow("aeo/us/status-list-001.json", "aeo/canonical/us-status-list-001.json")]
    [DataRow("aeo/kr/status-list-001.xml", "aeo/canonical/kr-status-list-001.json")]
    [DataRow("aeo/kr/status-list-002-delta.xml", "aeo/canonical/kr-status-list-002-delta.json")]
    [DataRow("aeo/jp/status-list-001.csv", "aeo/canonical/jp-status-list-001.json")]
    public void Translate_ValidSample_Rfc8785OfItsCanonicalFile(string file, string canonicalFile)
    {
        byte[] bytes = AdapterAssert.ReadData(file);

        Translation translation = s_catalog.Translate(s_catalog.Detect(bytes, "aeo.status-list")!, bytes);

        Assert.IsTrue(translation.IsSuccess, translation.Error?.Message);
        CollectionAssert.AreEqual(CanonicalJson.Canonicalize(AdapterAssert.ReadData(canonicalFile)), translation.CanonicalJson);
    }

    [TestMethod]
    public void InvalidFolder_EveryFile_HasAnExpectation()
    {
        string[] files = [.. Directory.GetFiles(AdapterAssert.DataPath("aeo", "invalid")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        CollectionAssert.AreEqual(s_invalidExpectations.Keys.Order(StringComparer.Ordinal).ToArray(), files);
    }

    [TestMethod]
    [DataRow("jp-bad-corporate-number.csv")]
    [DataRow("jp-missing-column.csv")]
    [DataRow("kr-bad-brn.xml")]
    [DataRow("kr-expiry-before-cert.xml")]
    [DataRow("kr-unknown-status.xml")]
    [DataRow("us-bad-date.json")]
    public void Translate_InvalidSample_RefusedWithListedReason(string file)
    {
        (string reasonCode, string? ruleId) = s_invalidExpectations[file];
        byte[] bytes = AdapterAssert.ReadData("aeo", "invalid", file);
        IDocumentAdapter? adapter = s_catalog.Detect(bytes, "aeo.status-list");
        Assert.IsNotNull(adapter, $"no adapter recognises {file}");

        Translation translation = s_catalog.Translate(adapter, bytes);

        Assert.IsFalse(translation.IsSuccess);
        Assert.IsNull(translation.CanonicalJson);
        Assert.AreEqual(reasonCode, translation.Error?.ReasonCode, translation.Error?.Message);
        Assert.AreEqual(ruleId, translation.Error?.RuleId, translation.Error?.Message);
    }

    [TestMethod]
    public void ReadCanonical_AeoSamples_Succeed()
    {
        foreach (string file in Directory.GetFiles(AdapterAssert.DataPath("aeo", "canonical")))
        {
            Translation translation = s_catalog.ReadCanonical(File.ReadAllBytes(file));
            Assert.IsTrue(translation.IsSuccess, $"{Path.GetFileName(file)}: {translation.Error?.Message}");
        }
    }

    [TestMethod]
    public void Render_KoreanListAsCanonicalQueryAdapter_Throws()
    {
        byte[] bytes = AdapterAssert.ReadData("aeo/kr/status-list-001.xml");
        CanonicalDocument list = s_catalog.Translate(new KoreaAeoListAdapter(), bytes).Document!;

        Assert.ThrowsExactly<ArgumentException>(() => s_catalog.Render(s_catalog.Find(CanonicalJsonAdapter.AdapterId, "aeo.status-query")!, list));
    }

    [TestMethod]
    public void Find_EcfaCoIds_StillFoundByIdAlone() =>
        Assert.IsInstanceOfType<TaiwanEcfaCoAdapter>(s_catalog.Find(TaiwanEcfaCoAdapter.AdapterId));
}
