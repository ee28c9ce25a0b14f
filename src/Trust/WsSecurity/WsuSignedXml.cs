using System.Security.Cryptography.Xml;
using System.Xml;

namespace N2N.Trust.WsSecurity;

/// <summary>
/// SignedXml that resolves references only through the wsu:Id map built when the message was read, so a
/// reference can never land on an element other than the one the node processes (no signature wrapping).
/// </summary>
internal sealed class WsuSignedXml(XmlDocument document, IReadOnlyDictionary<string, XmlElement> ids) : SignedXml(document)
{
    public override XmlElement? GetIdElement(XmlDocument? document, string idValue) =>
        ids.TryGetValue(idValue, out var element) ? element : null;

    /// <summary>Collects every wsu:Id in the document; a repeated id is refused outright.</summary>
    public static Dictionary<string, XmlElement> CollectIds(XmlDocument document)
    {
        var ids = new Dictionary<string, XmlElement>(StringComparer.Ordinal);
        foreach (XmlElement element in document.GetElementsByTagName("*"))
        {
            var id = element.GetAttributeNode("Id", WsNames.Wsu)?.Value;
            if (id is null)
            {
                continue;
            }

            if (!ids.TryAdd(id, element))
            {
                throw new TrustException(ReasonCodes.BadSignature, $"wsu:Id '{id}' appears more than once");
            }
        }

        return ids;
    }
}
