using System.Text;
using N2N.Adapters;
using N2N.Adapters.Aeo;
using N2N.Adapters.Canonical;

namespace N2N.ConformanceTests.Adapters;

[TestClass]
public sealed class JapanAeoCsvAdapterTests : AeoStatusListAdapterConformanceTests
{
    private const string Header = "MRA_CODE,CORPORATE_NUMBER,NAME,ADDRESS,STATUS,APPROVAL_DATE,STATUS_DATE,LIST_ID,LIST_KIND,BASE_DATE";

    protected override IDocumentAdapter Adapter { get; } = new JapanAeoCsvAdapter();

    protected override string Sample => "aeo/jp/status-list-001.csv";

    protected override string CanonicalSample => "aeo/canonical/jp-status-list-001.json";

    protected override string ForeignSample => "aeo/us/status-list-001.json";

    protected override string WithUnknownStatus(string sampleText) => Replace(sampleText, ",有効,", ",審査中,");

    [TestMethod]
    public void Id_Always_IsVersionedFormatId() =>
        Assert.AreEqual("jp.customs.aeo-csv/1", Adapter.Id);

    [TestMethod]
    public void ToCanonical_Sample_MapsCorporateNumberStatusAndDates()
    {
        var list = (AeoStatusList)Adapter.ToCanonical(AdapterAssert.ReadData(Sample)).Document!;

        Assert.AreEqual("JP-AEO-20261125", list.ListId);
        Assert.AreEqual(new DateOnly(2026, 11, 25), list.AsOf);
        Assert.AreEqual(new PartyIdentifier { Scheme = "JP-CN", Value = "3700150005080" }, list.Records[0].NationalIds.Single());
        Assert.AreEqual(AeoStatus.Suspended, list.Records[1].Status);
        Assert.AreEqual(new DateOnly(2026, 9, 15), list.Records[1].StatusDate);
        Assert.IsNull(list.Records[0].Tier);
    }

    [TestMethod]
    public void FromCanonical_Jp001_IsTheSampleWithCrlfLineEnds()
    {
        string expected = SampleText.ReplaceLineEndings("\r\n");

        Assert.AreEqual(expected, Encoding.UTF8.GetString(Adapter.FromCanonical(CanonicalList())));
    }

    [TestMethod]
    public void ToCanonical_MissingColumnSample_SchemaInvalidNamingTheLine()
    {
        AdapterResult result = Adapter.ToCanonical(AdapterAssert.ReadData("aeo/invalid/jp-missing-column.csv"));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode);
        StringAssert.Contains(result.Error!.Message, "Line 2 has 9 fields");
    }

    [TestMethod]
    public void ToCanonical_QuotedFieldsWithCommaQuoteAndNewline_ReadsThemPerRfc4180()
    {
        string csv = Header + "\r\n"
            + "JPAEOE000789,,\"山田, \"\"太郎\"\" 商店\",\"東京都千代田区1-1\n2階\",失効,2015/01/05,2025/01/04,JP-AEO-20261125,DELTA,2026/11/25\r\n";

        AdapterResult result = ToCanonical(csv);

        Assert.IsTrue(result.IsSuccess, result.Error?.Message);
        var list = (AeoStatusList)result.Document!;
        Assert.AreEqual(AeoListKind.Delta, list.Kind);
        AeoRecord record = list.Records.Single();
        Assert.AreEqual("山田, \"太郎\" 商店", record.LegalName);
        Assert.AreEqual("東京都千代田区1-1\n2階", record.Address);
        Assert.AreEqual(AeoStatus.Expired, record.Status);
        Assert.IsEmpty(record.NationalIds, "sole proprietors have no corporate number");
    }

    [TestMethod]
    public void FromCanonical_ValuesNeedingQuotes_QuotesExactlyThoseAndRoundTrips()
    {
        AeoStatusList list = CanonicalList();
        AeoStatusList edited = list with
        {
            Records = [list.Records[0] with { LegalName = "A, \"B\"", Address = "line 1\r\nline 2" }, list.Records[1]],
        };

        string csv = Encoding.UTF8.GetString(Adapter.FromCanonical(edited));

        StringAssert.Contains(csv, ",\"A, \"\"B\"\"\",\"line 1\r\nline 2\",有効,");
        StringAssert.Contains(csv, "\r\nJPAEOE000456,9010401012345,東和ロジスティクス株式会社,");
        AssertRoundTrips(edited, "quoted fields");
    }

    [TestMethod]
    public void ToCanonical_ColumnsInAnotherOrderWithBomAndNoFinalNewline_Read()
    {
        string csv = "\uFEFFLIST_ID,LIST_KIND,BASE_DATE,MRA_CODE,CORPORATE_NUMBER,NAME,ADDRESS,STATUS,APPROVAL_DATE,STATUS_DATE\n"
            + "JP-AEO-20261125,FULL,2026/11/25,JPAEOE000123,3700150005080,株式会社サンプル精機,大阪府大阪市北区梅田1-1-1,有効,2020/04/01,2020/04/01";

        AdapterResult result = ToCanonical(csv);

        Assert.IsTrue(result.IsSuccess, result.Error?.Message);
        Assert.AreEqual("JPAEOE000123", ((AeoStatusList)result.Document!).Records.Single().AeoId);
    }

    [TestMethod]
    [DataRow("JPAEOE000123,\"370015\"0005080,x,y,有効,2020/04/01,2020/04/01,L,FULL,2026/11/25", "text after a closing quote")]
    [DataRow("JPAEOE000123,37001\"50005080,x,y,有効,2020/04/01,2020/04/01,L,FULL,2026/11/25", "quote in an unquoted field")]
    [DataRow("JPAEOE000123,3700150005080,\"x,y,有効,2020/04/01,2020/04/01,L,FULL,2026/11/25", "unterminated quote")]
    public void ToCanonical_BadQuoting_Malformed(string row, string what) =>
        Assert.AreEqual("MALFORMED", ToCanonical(Header + "\n" + row + "\n").Error?.ReasonCode, what);

    [TestMethod]
    [DataRow(",FULL,2026/11/25\nJPAEOE000456", ",DELTA,2026/11/25\nJPAEOE000456", "kind differs between rows")]
    [DataRow("JP-AEO-20261125,FULL,2026/11/25\nJPAEOE000456", "JP-AEO-20261126,FULL,2026/11/25\nJPAEOE000456", "list id differs between rows")]
    [DataRow(",FULL,2026/11/25\nJPAEOE000456", ",FULL,2026/11/26\nJPAEOE000456", "base date differs between rows")]
    [DataRow("LIST_KIND,BASE_DATE", "LIST_KIND,BASE_DATE,EXTRA", "unknown column")]
    [DataRow("STATUS_DATE,", "", "header lacks a column")]
    [DataRow(",2020/04/01,2020/04/01,", ",2020-04-01,2020/04/01,", "date not yyyy/MM/dd")]
    [DataRow(",FULL,2026/11/25\nJPAEOE000456", ",WEEKLY,2026/11/25\nJPAEOE000456", "unknown list kind")]
    [DataRow("JPAEOE000123,", ",", "empty MRA code")]
    public void ToCanonical_ShapeBroken_SchemaInvalid(string original, string replacement, string what)
    {
        AdapterResult result = ToCanonical(Replace(SampleText, original, replacement));

        Assert.AreEqual("SCHEMA_INVALID", result.Error?.ReasonCode, $"{what}: {result.Error?.Message}");
    }

    [TestMethod]
    public void ToCanonical_HeaderOnly_SchemaInvalid() =>
        Assert.AreEqual("SCHEMA_INVALID", ToCanonical(Header + "\n").Error?.ReasonCode);

    [TestMethod]
    public void FromCanonical_EmptyList_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(CanonicalList() with { Records = [] }));

    [TestMethod]
    public void FromCanonical_Tier_Throws()
    {
        AeoStatusList list = CanonicalList();

        Assert.ThrowsExactly<ArgumentException>(() => Adapter.FromCanonical(list with { Records = [list.Records[0] with { Tier = "1" }] }));
    }
}
