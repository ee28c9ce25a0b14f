using System.Diagnostics;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Delivery;
using N2N.Node.Log;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Interop;

/// <summary>Every SOAP message and receipt the node signs verifies with xmlsec1, given only the signer's certificate.</summary>
[TestClass]
public sealed class XmlSecInteropTests
{
    [TestMethod]
    public async Task Xmlsec1_VerifiesOutboundMessageAndReceipt_WithOnlyTheSignersCertificate()
    {
        if (!File.Exists("/usr/bin/xmlsec1"))
        {
            Assert.Inconclusive("xmlsec1 is not installed here (.ci/run installs Debian's xmlsec1)");
        }

        var (tw, cn) = await TestNode.StartPairAsync("TW", "CN");
        await using var _ = tw;
        await using var __ = cn;
        var id = await tw.SendAsync("CN", "ecfa.co", File.ReadAllText(AdapterAssert.DataPath("ecfa-co", "tw", "co-001.xml")));
        Assert.AreEqual(OutboxState.Delivered, (await tw.WaitForFinalStateAsync(id)).State);
        var log = await tw.LogAsync();
        var outbound = log.Single(e => e.Draft.MessageId == id.ToString() && e.Draft.Direction == Direction.Out);
        var receipt = log.Single(e => e.Draft.RelatedMessageId == id.ToString());

        await AssertXmlsecVerifiesAsync(outbound.Draft.Raw, tw.Folder.Resolve(tw.Config.CertificateFile));
        await AssertXmlsecVerifiesAsync(receipt.Draft.Raw, cn.Folder.Resolve(cn.Config.CertificateFile));

        // And the check has teeth: one changed byte in the signed Body fails under xmlsec1 too.
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(outbound.Draft.Raw).Replace("<MZ>11200</MZ>", "<MZ>11900</MZ>", StringComparison.Ordinal));
        Assert.AreNotEqual(0, (await RunXmlsecAsync(tampered, tw.Folder.Resolve(tw.Config.CertificateFile))).Exit);
    }

    private static async Task AssertXmlsecVerifiesAsync(byte[] envelope, string certificatePem)
    {
        var (exit, output) = await RunXmlsecAsync(envelope, certificatePem);
        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(output, "OK");
    }

    private static async Task<(int Exit, string Output)> RunXmlsecAsync(byte[] envelope, string certificatePem)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("n2n-xmlsec-").FullName, "envelope.xml");
        await File.WriteAllBytesAsync(file, envelope);
        var info = new ProcessStartInfo("xmlsec1") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--verify", "--pubkey-cert-pem", certificatePem })
        {
            info.ArgumentList.Add(arg);
        }

        // xmlsec1 must be told which attributes are ids: wsu:Id on each element our profile signs.
        foreach (var element in new[] { $"{WsNames.Wsa}:MessageID", $"{WsNames.Wsa}:RelatesTo", $"{WsNames.Wsa}:To", $"{WsNames.Wsa}:Action",
                     $"{WsNames.N2n}:Exchange", $"{WsNames.Wsu}:Timestamp", $"{WsNames.Wsse}:BinarySecurityToken", $"{WsNames.Soap12}:Body" })
        {
            info.ArgumentList.Add("--id-attr:Id");
            info.ArgumentList.Add(element);
        }

        info.ArgumentList.Add(file);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
