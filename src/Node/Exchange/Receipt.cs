namespace N2N.Node.Exchange;

/// <summary>
/// A receiver's signed statement: "your message (digest D) is entry <see cref="LogIndex"/> of my log, whose tree of
/// size <see cref="TreeSize"/> has root <see cref="RootHash"/>", with the verdict.
/// </summary>
public sealed record Receipt
{
    public required Guid RefToMessageId { get; init; }

    /// <summary>SHA-256 of the exact bytes received.</summary>
    public required byte[] ReceivedDigest { get; init; }

    /// <summary><c>Accepted</c> or <c>Rejected</c>.</summary>
    public required string Status { get; init; }

    public string? ReasonCode { get; init; }

    public string? RuleId { get; init; }

    public string? Detail { get; init; }

    public required long LogIndex { get; init; }

    public required long TreeSize { get; init; }

    public required byte[] RootHash { get; init; }

    public const string Accepted = "Accepted";
    public const string Rejected = "Rejected";

    /// <summary>The exchange document type of receipts.</summary>
    public const string DocumentType = "n2n.receipt";
}
