using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;

namespace N2N.ConformanceTests.Attacks;

/// <summary>Nodes with TLS on and partners' client certificates pinned: only the pinned certificate gets in.</summary>
[TestClass]
public sealed class MutualTlsTests
{
    private static TestNode s_tw = null!;
    private static TestNode s_cn = null!;
    private static TestNode s_kr = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tw = TestNode.Create("TW", tls: true);
        s_cn = TestNode.Create("CN", tls: true);
        s_kr = TestNode.Create("KR", tls: true);
        s_tw.AddPartner(s_cn);
        s_cn.AddPartner(s_tw);
        s_cn.AddPartner(s_kr, TransportKind.Soap, TestNode.EcfaInCnFormat);
        await s_tw.StartAsync();
        await s_cn.StartAsync();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_tw.DisposeAsync();
        await s_cn.DisposeAsync();
        await s_kr.DisposeAsync();
    }

    [TestMethod]
    public async Task OverMutualTls_SoapAndGrpc_Delivered()
    {
        var soap = await s_tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await s_tw.WaitForFinalStateAsync(soap)).State, "backend API (API key, no client certificate) and SOAP over mTLS");
        StringAssert.StartsWith(s_cn.Config.SoapUrl, "https://");

        var tw = TestNode.Create("TW", tls: true);
        var cn = TestNode.Create("CN", tls: true);
        await using var _ = tw;
        await using var __ = cn;
        tw.AddPartner(cn, TransportKind.Grpc);
        cn.AddPartner(tw, TransportKind.Grpc);
        await tw.StartAsync();
        await cn.StartAsync();
        var grpc = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(grpc)).State, "gRPC over mTLS");
    }

    [TestMethod]
    public async Task NoClientCertificate_UntrustedCert_Logged() =>
        await AssertTlsRefusedAsync(clientCertificate: null, "no TLS client certificate");

    [TestMethod]
    public async Task ClientCertificateFromACaButNotPinned_UntrustedCert_Logged()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Some Public-Looking CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=N2N Node TW TLS, O=N2N dev, C=TW", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        using var withKey = leaf.CopyWithPrivateKey(leafKey);
        await AssertTlsRefusedAsync(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null), "is not pinned for partner TW");
    }

    [TestMethod]
    public async Task AnotherPartnersPinnedTlsCertificate_UntrustedCert_Logged()
    {
        using var krTls = NodeSetup.LoadTls(s_kr.Folder, s_kr.Config.Tls!);
        await AssertTlsRefusedAsync(X509CertificateLoader.LoadPkcs12(krTls.Certificate.Export(X509ContentType.Pkcs12), null), "is not pinned for partner TW");
    }

    /// <summary>A message correctly signed by TW's signing key, over a connection that does not present TW's pinned TLS certificate.</summary>
    private static async Task AssertTlsRefusedAsync(X509Certificate2? clientCertificate, string reason)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        using var http = new HttpClient(handler);
        using var twKey = s_tw.LoadCredential();
        var envelope = SoapWire.Sign(twKey, "TW", "CN", "ecfa.co", AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml"), s_cn.SoapUrlFor("TW"));
        var answer = await SoapWire.PostAsync(http, s_cn.SoapUrlFor("TW"), envelope);
        Assert.AreEqual(ReasonCodes.UntrustedCert, answer.FaultCode);
        var entry = (await s_cn.LogAsync())[^1];
        Assert.AreEqual(Verdict.Rejected, entry.Draft.Verdict);
        StringAssert.Contains(entry.Draft.ReasonDetail, reason);
        CollectionAssert.AreEqual(envelope, entry.Draft.Raw);
    }
}
