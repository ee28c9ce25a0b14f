using System.Diagnostics;
using N2N.ConformanceTests.Adapters;
using N2N.ConformanceTests.Hosting;
using N2N.Node.Exchange;
using N2N.Trust;
using N2N.Trust.Keys;

namespace N2N.ConformanceTests.Interop;

/// <summary>A SOAP request built and signed by xml-crypto (npm), as a partner's Node.js stack would, against a running node.</summary>
[TestClass]
public sealed class XmlCryptoInteropTests
{
    [TestMethod]
    public async Task XmlCryptoSignedRequest_Accepted_TamperedOneRefused()
    {
        var interop = InteropFolder.Require("xml-crypto");
        var tw = TestNode.Create("TW", KeyKind.Rsa3072);
        var cn = TestNode.Create("CN");
        await using var _ = tw;
        await using var __ = cn;
        cn.AddPartner(tw);
        await cn.StartAsync();

        var envelope = await SignWithXmlCryptoAsync(interop, tw, cn, Guid.NewGuid());
        var answer = await SoapWire.PostAsync(cn.SoapUrlFor("TW"), envelope);
        var receipt = SoapWire.VerifyReceipt(answer, cn);
        Assert.AreEqual(Receipt.Accepted, receipt.Status, receipt.Detail);

        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(await SignWithXmlCryptoAsync(interop, tw, cn, Guid.NewGuid()))
            .Replace("<MZ>11200</MZ>", "<MZ>11900</MZ>", StringComparison.Ordinal));
        Assert.AreEqual(ReasonCodes.BadSignature, (await SoapWire.PostAsync(cn.SoapUrlFor("TW"), tampered)).FaultCode);
    }

    private static async Task<byte[]> SignWithXmlCryptoAsync(string interop, TestNode sender, TestNode receiver, Guid messageId)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = interop };
        foreach (var arg in new[]
                 {
                     Path.Combine(interop, "sign-soap.mjs"), sender.Folder.Resolve(sender.Config.KeyFile!), sender.Folder.Resolve(sender.Config.CertificateFile),
                     AdapterAssert.DataPath("ecfa-co", "cn", "co-001.xml"), receiver.SoapUrlFor("TW"), "TW", "CN", "ecfa.co", messageId.ToString("D"),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        Assert.AreEqual(0, process.ExitCode, await error);
        return output.ToArray();
    }
}

/// <summary>Finds conformance-tests/interop (the npm project) from the test binaries.</summary>
internal static class InteropFolder
{
    public static string Require(string package)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "conformance-tests", "interop");
            if (File.Exists(Path.Combine(dir.FullName, "N2NNode.sln")) && Directory.Exists(candidate))
            {
                if (!Directory.Exists(Path.Combine(candidate, "node_modules", package)))
                {
                    Assert.Inconclusive($"npm packages are not installed in {candidate} (.ci/run runs 'npm ci' there)");
                }

                return candidate;
            }
        }

        Assert.Inconclusive("conformance-tests/interop not found above the test binaries");
        return "";
    }
}
