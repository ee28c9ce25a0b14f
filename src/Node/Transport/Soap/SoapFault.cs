using System.Text;
using System.Xml;
using N2N.Trust;
using N2N.Trust.WsSecurity;

namespace N2N.Node.Transport.Soap;

/// <summary>SOAP 1.2 Faults carrying an <c>n2n:ReasonCode</c> detail.</summary>
public static class SoapFault
{
    /// <summary>Sender faults are the partner's to fix (HTTP 400); INTERNAL is ours (HTTP 500).</summary>
    public static int HttpStatus(string reasonCode) => reasonCode switch
    {
        ReasonCodes.Internal => StatusCodes.Status500InternalServerError,
        ReasonCodes.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ReasonCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    public static byte[] Write(string reasonCode, string reason)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            writer.WriteStartElement("s", "Envelope", WsNames.Soap12);
            writer.WriteAttributeString("xmlns", "n2n", null, WsNames.N2n);
            writer.WriteStartElement("s", "Body", WsNames.Soap12);
            writer.WriteStartElement("s", "Fault", WsNames.Soap12);
            writer.WriteStartElement("s", "Code", WsNames.Soap12);
            writer.WriteElementString("s", "Value", WsNames.Soap12, reasonCode == ReasonCodes.Internal ? "s:Receiver" : "s:Sender");
            writer.WriteStartElement("s", "Subcode", WsNames.Soap12);
            writer.WriteElementString("s", "Value", WsNames.Soap12, "n2n:" + reasonCode);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("s", "Reason", WsNames.Soap12);
            writer.WriteStartElement("s", "Text", WsNames.Soap12);
            writer.WriteAttributeString("xml", "lang", null, "en");
            writer.WriteString(reason);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("s", "Detail", WsNames.Soap12);
            writer.WriteElementString("n2n", "ReasonCode", WsNames.N2n, reasonCode);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return stream.ToArray();
    }

    /// <summary>Reads a fault's reason code and text, or null if the bytes are not a fault.</summary>
    public static (string Code, string Reason)? TryRead(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            // Only a real s:Fault counts: a Rejected receipt carries an n2n:ReasonCode too.
            var fault = SecureXml.Load(bytes, XmlLimits.Default).GetElementsByTagName("Fault", WsNames.Soap12).OfType<XmlElement>().FirstOrDefault();
            var code = fault?.GetElementsByTagName("ReasonCode", WsNames.N2n).OfType<XmlElement>().FirstOrDefault()?.InnerText.Trim();
            var reason = fault?.GetElementsByTagName("Text", WsNames.Soap12).OfType<XmlElement>().FirstOrDefault()?.InnerText.Trim();
            return code is null ? null : (code, reason ?? "");
        }
        catch (TrustException)
        {
            return null;
        }
    }
}
