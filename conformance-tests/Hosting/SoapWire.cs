using System.Net.Http.Headers;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Transport.Soap;
using N2N.Trust;
using N2N.Trust.Keys;
using N2N.Trust.TrustStore;
using N2N.Trust.WsSecurity;

namespace N2N.ConformanceTests.Hosting;

/// <summary>What a node answered to a raw SOAP post.</summary>
public sealed record SoapAnswer(int Status, byte[] Body, string? FaultCode)
{
    public bool IsFault => FaultCode is not null;
}

/// <summary>Builds and posts SOAP messages the way a partner (or an attacker) would, over a real socket.</summary>
internal static class SoapWire
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static byte[] Sign(NodeCredential credential, string from, string to, string documentType, byte[] document, string destination,
        DateTimeOffset? now = null, Guid? messageId = null, SigningDeviation? deviation = null)
    {
        var created = now ?? DateTimeOffset.UtcNow;
        var header = new ExchangeHeader(messageId ?? Guid.NewGuid(), Guid.NewGuid().ToString("D"), from, to, documentType, created);
        return WsSecuritySigner.Sign(new SoapMessage(header, destination, null, document), credential, created, null, deviation);
    }

    public static Task<SoapAnswer> PostAsync(string url, byte[] envelope) => PostAsync(s_http, url, envelope);

    public static async Task<SoapAnswer> PostAsync(HttpClient http, string url, byte[] envelope)
    {
        using var content = new ByteArrayContent(envelope);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(SoapEndpoint.ContentType);
        using var response = await http.PostAsync(url, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new SoapAnswer((int)response.StatusCode, body, SoapFault.TryRead(body)?.Code);
    }

    /// <summary>Verifies a receipt with the receiver's pinned certificate, as the sender does, and reads it.</summary>
    public static Receipt VerifyReceipt(SoapAnswer answer, TestNode receiver)
    {
        Assert.IsFalse(answer.IsFault, $"expected a receipt, got fault {answer.FaultCode}");
        var profile = System.Text.Json.JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(receiver.Folder.ProfileFile), NodeConfig.Json)!;
        var trust = new PartnerTrust(receiver.NodeId, profile.Certificates
            .Select(c => new PinnedCertificate(KeyFiles.ReadCertificate(c.Pem), c.ValidFrom, c.ValidTo)).ToList());
        var binding = new SoapBinding(XmlLimits.Default);
        var verified = binding.Verify(answer.Body, trust, DateTimeOffset.UtcNow);
        Assert.AreEqual(Receipt.DocumentType, verified.Header.DocumentType);
        return binding.ReadReceipt(verified);
    }
}
