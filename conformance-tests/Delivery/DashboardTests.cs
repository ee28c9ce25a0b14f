using System.Net;
using System.Net.Http.Headers;
using System.Text;
using N2N.ConformanceTests.Hosting;

namespace N2N.ConformanceTests.Delivery;

[TestClass]
public sealed class DashboardTests
{
    [TestMethod]
    public async Task Dashboard_NoCredentialsConfigured_ServesLoopback()
    {
        var node = TestNode.Create("TW");
        await using var _ = node;
        await node.StartAsync();
        using var http = new HttpClient();
        Assert.AreEqual(HttpStatusCode.OK, (await http.GetAsync(node.Config.SoapUrl + "/hangfire")).StatusCode);
    }

    [TestMethod]
    public async Task Dashboard_CredentialsConfigured_RequiresThemEvenFromLoopback()
    {
        var node = TestNode.Create("TW");
        await using var _ = node;
        node.Folder.SaveConfig(node.Folder.LoadConfig() with { DashboardUser = "ops", DashboardPassword = "correct horse battery" });
        await node.StartAsync();
        using var http = new HttpClient();
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.GetAsync(node.Config.SoapUrl + "/hangfire")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, node.Config.SoapUrl + "/hangfire");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:guess")));
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, node.Config.SoapUrl + "/hangfire");
        right.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:correct horse battery")));
        Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(right)).StatusCode);
    }
}
