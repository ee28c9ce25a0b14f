using System.Diagnostics;
using System.Text.Json;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Trust;

namespace N2N.ConformanceTests.Interop;

/// <summary>A grpc-js client submits a COSE_Sign1 envelope built with cose-js (npm) and verifies our COSE receipt with cose-js.</summary>
[TestClass]
public sealed class GrpcJsCoseInteropTests
{
    [TestMethod]
    public async Task GrpcJsWithCoseJs_Accepted_ReceiptVerifiesInCoseJs_TamperedRefused()
    {
        var interop = InteropFolder.Require("cose-js");
        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;

        var accepted = await SubmitAsync(interop, tw, cn, tamper: false);
        Assert.AreEqual("Accepted", accepted.GetProperty("status").GetString(), accepted.ToString());
        Assert.IsTrue(accepted.GetProperty("receiptVerified").GetBoolean());

        var refused = await SubmitAsync(interop, tw, cn, tamper: true);
        Assert.AreEqual("refused", refused.GetProperty("status").GetString(), refused.ToString());
        Assert.AreEqual(ReasonCodes.BadSignature, refused.GetProperty("reasonCode").GetString());
    }

    private static async Task<JsonElement> SubmitAsync(string interop, TestNode sender, TestNode receiver, bool tamper)
    {
        var root = Path.GetFullPath(Path.Combine(interop, "..", ".."));
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = interop };
        var args = new List<string>
        {
            Path.Combine(interop, "submit-grpc.mjs"), Path.Combine(root, "src", "Node", "Transport", "Grpc", "exchange.proto"), new Uri(receiver.Config.GrpcUrl).Authority,
            sender.Folder.Resolve(sender.Config.KeyFile!), sender.Folder.Resolve(sender.Config.CertificateFile), receiver.Folder.Resolve(receiver.Config.CertificateFile),
            AdapterAssert.DataPath("ecfa-co", "cn", "co-001.xml"), "TW", "CN", "ecfa.co",
        };
        if (tamper)
        {
            args.Add("tamper");
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.AreEqual(0, process.ExitCode, await error);
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
