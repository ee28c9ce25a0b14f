using System.Globalization;
using System.Xml;

namespace N2N.Trust.WsSecurity;

/// <summary>The elements of a SOAP 1.2 exchange envelope, located by position, never by id.</summary>
internal sealed record SoapEnvelopeParts(
    XmlDocument Document,
    XmlElement Body,
    XmlElement Payload,
    XmlElement MessageId,
    XmlElement AddressTo,
    XmlElement Action,
    XmlElement? RelatesTo,
    XmlElement Exchange,
    XmlElement Security,
    XmlElement Timestamp,
    XmlElement Token,
    XmlElement Signature,
    ExchangeHeader Header);

/// <summary>Reads the structure of our envelope strictly: exactly one of each part, in its one allowed place.</summary>
internal static class SoapEnvelopeReader
{
    public static SoapEnvelopeParts Read(XmlDocument document)
    {
        var envelope = document.DocumentElement;
        if (envelope is null || envelope.LocalName != "Envelope" || envelope.NamespaceURI != WsNames.Soap12)
        {
            throw Malformed("the root element is not a SOAP 1.2 Envelope");
        }

        var children = ElementChildren(envelope);
        if (children.Count != 2 || !Is(children[0], WsNames.Soap12, "Header") || !Is(children[1], WsNames.Soap12, "Body"))
        {
            throw Malformed("the Envelope must hold exactly one Header followed by one Body");
        }

        var header = children[0];
        var body = children[1];
        var bodyChildren = ElementChildren(body);
        if (bodyChildren.Count != 1)
        {
            throw Malformed($"the Body must hold exactly one document element, found {bodyChildren.Count}");
        }

        var headers = ElementChildren(header);
        foreach (var h in headers)
        {
            var known = (h.NamespaceURI == WsNames.Wsa && h.LocalName is "MessageID" or "To" or "Action" or "RelatesTo")
                || Is(h, WsNames.N2n, "Exchange") || Is(h, WsNames.Wsse, "Security");
            if (!known && h.GetAttribute("mustUnderstand", WsNames.Soap12) is "true" or "1")
            {
                throw Malformed($"header {h.Name} is marked mustUnderstand and is not understood");
            }
        }

        var security = Single(headers, WsNames.Wsse, "Security", "wsse:Security header");
        var securityChildren = ElementChildren(security);
        var timestamp = Single(securityChildren, WsNames.Wsu, "Timestamp", "wsu:Timestamp");
        var token = Single(securityChildren, WsNames.Wsse, "BinarySecurityToken", "wsse:BinarySecurityToken");
        var signature = Single(securityChildren, WsNames.Ds, "Signature", "ds:Signature");
        if (document.GetElementsByTagName("Signature", WsNames.Ds).Count != 1)
        {
            throw Malformed("the message must carry exactly one ds:Signature");
        }

        var messageId = Single(headers, WsNames.Wsa, "MessageID", "wsa:MessageID");
        var addressTo = Single(headers, WsNames.Wsa, "To", "wsa:To");
        var action = Single(headers, WsNames.Wsa, "Action", "wsa:Action");
        var relatesTo = Optional(headers, WsNames.Wsa, "RelatesTo");
        var exchange = Single(headers, WsNames.N2n, "Exchange", "n2n:Exchange");

        var exchangeHeader = ReadExchangeHeader(messageId, exchange);
        if (action.InnerText.Trim() != exchangeHeader.Action)
        {
            throw Malformed($"wsa:Action '{action.InnerText.Trim()}' does not match document type '{exchangeHeader.DocumentType}'");
        }

        return new SoapEnvelopeParts(document, body, bodyChildren[0], messageId, addressTo, action, relatesTo, exchange,
            security, timestamp, token, signature, exchangeHeader);
    }

    /// <summary>Best effort for logging a refused message: the claimed message id and sender, if readable.</summary>
    public static (string? MessageId, string? From, string? DocumentType) TryReadClaims(XmlDocument? document)
    {
        if (document?.DocumentElement is not { } root)
        {
            return (null, null, null);
        }

        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("s", WsNames.Soap12);
        ns.AddNamespace("wsa", WsNames.Wsa);
        ns.AddNamespace("n2n", WsNames.N2n);
        var id = root.SelectSingleNode("/s:Envelope/s:Header/wsa:MessageID", ns)?.InnerText.Trim();
        var from = root.SelectSingleNode("/s:Envelope/s:Header/n2n:Exchange/n2n:From", ns)?.InnerText.Trim();
        var type = root.SelectSingleNode("/s:Envelope/s:Header/n2n:Exchange/n2n:DocumentType", ns)?.InnerText.Trim();
        return (id?.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) == true ? id[9..] : id, from, type);
    }

    private static ExchangeHeader ReadExchangeHeader(XmlElement messageId, XmlElement exchange)
    {
        var idText = messageId.InnerText.Trim();
        if (!idText.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) || !Guid.TryParseExact(idText[9..], "D", out var id))
        {
            throw Malformed($"wsa:MessageID '{idText}' is not a urn:uuid");
        }

        var fields = ElementChildren(exchange);
        string Field(string name) =>
            fields.Where(f => Is(f, WsNames.N2n, name)).ToList() is [var single] && single.InnerText.Trim() is { Length: > 0 } value
                ? value
                : throw Malformed($"n2n:Exchange must carry exactly one non-empty n2n:{name}");

        var createdText = Field("Created");
        if (!DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created))
        {
            throw Malformed($"n2n:Created '{createdText}' is not an RFC 3339 time");
        }

        return new ExchangeHeader(id, Field("ConversationId"), Field("From"), Field("To"), Field("DocumentType"), created);
    }

    internal static List<XmlElement> ElementChildren(XmlElement parent)
    {
        var list = new List<XmlElement>();
        foreach (XmlNode node in parent.ChildNodes)
        {
            switch (node)
            {
                case XmlElement e:
                    list.Add(e);
                    break;
                case XmlText t when !string.IsNullOrWhiteSpace(t.Value):
                    throw Malformed($"unexpected text inside <{parent.Name}>");
            }
        }

        return list;
    }

    private static XmlElement Single(List<XmlElement> elements, string ns, string localName, string what) =>
        elements.Where(e => Is(e, ns, localName)).ToList() switch
        {
            [var one] => one,
            [] => throw Malformed($"missing {what}"),
            var many => throw Malformed($"{many.Count} {what} elements: exactly one is allowed"),
        };

    private static XmlElement? Optional(List<XmlElement> elements, string ns, string localName) =>
        elements.Where(e => Is(e, ns, localName)).ToList() switch
        {
            [] => null,
            [var one] => one,
            _ => throw Malformed($"more than one {localName} header"),
        };

    private static bool Is(XmlElement e, string ns, string localName) => e.LocalName == localName && e.NamespaceURI == ns;

    private static TrustException Malformed(string message) => new(ReasonCodes.Malformed, message);
}
