using System.Globalization;

namespace N2N.Trust;

/// <summary>The one way we write times on the wire and in messages: RFC 3339, UTC, milliseconds.</summary>
public static class Rfc3339
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
