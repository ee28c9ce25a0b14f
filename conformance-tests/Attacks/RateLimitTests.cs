using Grpc.Core;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Trust;

namespace N2N.ConformanceTests.Attacks;

/// <summary>A noisy partner over its quota is refused with RATE_LIMITED on both bindings; the others are not slowed.</summary>
[TestClass]
public sealed class RateLimitTests
{
    [TestMethod]
    public async Task NoisyPartnerOverQuota_RateLimitedOnSoapAndGrpc_OtherPartnerAllAccepted()
    {
        var tw = TestNode.Create("TW");
        var cn = TestNode.Create("CN");
        var kr = TestNode.Create("KR");
        await using var _ = tw;
        await using var __ = cn;
        await using var ___ = kr;
        cn.AddPartner(tw);
        cn.AddPartner(kr, TransportKind.Soap, TestNode.EcfaInCnFormat);
        cn.EditPartner("KR", p => p with { Inbound = new RateLimit { PermitsPerSecond = 1, Burst = 2 } });
        await cn.StartAsync();
        using var twKey = tw.LoadCredential();
        using var krKey = kr.LoadCredential();
        var co = AdapterAssert.ReadData("ecfa-co", "cn", "co-001.xml");

        var krAnswers = new List<string?>();
        for (var i = 0; i < 20; i++)
        {
            krAnswers.Add((await SoapWire.PostAsync(cn.SoapUrlFor("KR"), SoapWire.Sign(krKey, "KR", "CN", "ecfa.co", co, cn.SoapUrlFor("KR")))).FaultCode);
        }

        var grpc = await CoseWire.SubmitAsync(cn.Config.GrpcUrl, CoseWire.Sign(krKey, CoseWire.Headers(krKey, "KR", "CN", "ecfa.co"), co));

        var twAccepted = 0;
        for (var i = 0; i < 20; i++)
        {
            var answer = await SoapWire.PostAsync(cn.SoapUrlFor("TW"), SoapWire.Sign(twKey, "TW", "CN", "ecfa.co", co, cn.SoapUrlFor("TW")));
            twAccepted += SoapWire.VerifyReceipt(answer, cn).Status == Receipt.Accepted ? 1 : 0;
        }

        Assert.IsTrue(krAnswers.Count(c => c == ReasonCodes.RateLimited) >= 10, string.Join(",", krAnswers));
        Assert.IsTrue(krAnswers.Count(c => c is null) >= 2, "KR's burst is served");
        Assert.AreEqual(StatusCode.ResourceExhausted, grpc.Status);
        Assert.AreEqual(ReasonCodes.RateLimited, grpc.ReasonCode);
        Assert.AreEqual(20, twAccepted, "TW is not slowed by KR's flood");
    }
}
