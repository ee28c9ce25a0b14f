using System.Text;
using System.Xml;

namespace N2N.Trust.WsSecurity;

/// <summary>Limits for parsing untrusted XML.</summary>
/// <param name="MaxBytes">Whole message size. <value>The default value is 4 MiB.</value></param>
/// <param name="MaxDepth">Element nesting. <value>The default value is 64.</value></param>
/// <param name="MaxAttributesPerElement"><value>The default value is 64.</value></param>
public sealed record XmlLimits(int MaxBytes = 4 * 1024 * 1024, int MaxDepth = 64, int MaxAttributesPerElement = 64)
{
    public static XmlLimits Default { get; } = new();
}

/// <summary>Loads untrusted XML: UTF-8 only, no DTD, no resolver, bounded size, depth and width.</summary>
public static class SecureXml
{
    /// <summary>Parses into a DOM that keeps whitespace, so canonical forms match what the signer saw.</summary>
    /// <exception cref="TrustException">MALFORMED or TOO_LARGE.</exception>
    public static XmlDocument Load(ReadOnlyMemory<byte> bytes, XmlLimits limits)
    {
        if (bytes.Length > limits.MaxBytes)
        {
            throw new TrustException(ReasonCodes.TooLarge, $"message of {bytes.Length} bytes exceeds the limit of {limits.MaxBytes}");
        }

        RequireUtf8(bytes.Span);
        try
        {
            // A streaming pass first: depth and width are bounded before any DOM or canonicalizer recursion.
            using (var scan = XmlReader.Create(new MemoryStream(bytes.ToArray(), writable: false), Settings(limits)))
            {
                while (scan.Read())
                {
                    if (scan.NodeType == XmlNodeType.XmlDeclaration)
                    {
                        var encoding = scan.GetAttribute("encoding");
                        if (encoding is not null && !encoding.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new TrustException(ReasonCodes.Malformed, $"encoding '{encoding}' is not allowed: UTF-8 only");
                        }
                    }
                    else if (scan.NodeType == XmlNodeType.Element)
                    {
                        if (scan.Depth >= limits.MaxDepth)
                        {
                            throw new TrustException(ReasonCodes.Malformed, $"element nesting exceeds {limits.MaxDepth}");
                        }

                        if (scan.AttributeCount > limits.MaxAttributesPerElement)
                        {
                            throw new TrustException(ReasonCodes.Malformed, $"element <{scan.Name}> has {scan.AttributeCount} attributes; the limit is {limits.MaxAttributesPerElement}");
                        }
                    }
                }
            }

            var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
            using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray(), writable: false), Settings(limits));
            document.Load(reader);
            return document;
        }
        catch (XmlException e)
        {
            throw new TrustException(ReasonCodes.Malformed, "not well-formed XML: " + e.Message);
        }
    }

    private static XmlReaderSettings Settings(XmlLimits limits) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = limits.MaxBytes,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    private static void RequireUtf8(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
            || (bytes.Length > 1 && (bytes[0] == 0 || bytes[1] == 0)))
        {
            throw new TrustException(ReasonCodes.Malformed, "UTF-16 is not allowed: UTF-8 only");
        }
    }

    /// <summary>Serialises a DOM exactly as held (no indentation changes), UTF-8 without BOM.</summary>
    public static byte[] ToBytes(XmlDocument document, bool omitDeclaration = false)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            OmitXmlDeclaration = omitDeclaration,
            Indent = false,
            NewLineHandling = NewLineHandling.None,
        }))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }
}
