namespace N2N.Trust;

/// <summary>The stable reason codes of the wire contract (SOAP Fault detail, gRPC trailer, receipt).</summary>
public static class ReasonCodes
{
    public const string UnknownPartner = "UNKNOWN_PARTNER";
    public const string NotAllowed = "NOT_ALLOWED";
    public const string BadSignature = "BAD_SIGNATURE";
    public const string UntrustedCert = "UNTRUSTED_CERT";
    public const string CertExpired = "CERT_EXPIRED";
    public const string WeakAlgorithm = "WEAK_ALGORITHM";
    public const string StaleTimestamp = "STALE_TIMESTAMP";
    public const string Malformed = "MALFORMED";
    public const string TooLarge = "TOO_LARGE";
    public const string SchemaInvalid = "SCHEMA_INVALID";
    public const string RuleViolation = "RULE_VIOLATION";
    public const string Conflict = "CONFLICT";
    public const string RateLimited = "RATE_LIMITED";
    public const string Internal = "INTERNAL";

    /// <summary>True for refusals of an authenticated message's content: these get a signed Rejected receipt, not a fault.</summary>
    public static bool IsContentRefusal(string code) => code is NotAllowed or SchemaInvalid or RuleViolation;
}
