namespace N2N.Trust;

/// <summary>A message failed a trust check; carries the wire reason code.</summary>
public sealed class TrustException(string reasonCode, string message) : Exception(message)
{
    public string ReasonCode { get; } = reasonCode;
}
