using N2N.Node.Exchange;

namespace N2N.Node.Delivery;

/// <summary>Where an outbound message is in its life.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Queued,
    /// <summary>At least one attempt made, none conclusive yet.</summary>
    Sending,
    /// <summary>The partner's verified receipt says Accepted.</summary>
    Delivered,
    /// <summary>The partner's verified receipt says Rejected (with its reason).</summary>
    Rejected,
    /// <summary>Given up: permanent refusal or attempts exhausted. <c>outbox retry</c> can revive it.</summary>
    Dead,
}

/// <summary>A document queued for a partner, already rendered in the partner's wire format.</summary>
public sealed record OutboxMessage
{
    public required Guid MessageId { get; init; }
    public required string Partner { get; init; }
    public required string DocumentType { get; init; }
    public required string ConversationId { get; init; }
    public required DateTimeOffset Created { get; init; }
    /// <summary>The partner-format document, exactly as it will travel.</summary>
    public required byte[] Payload { get; init; }
    public required string AdapterId { get; init; }
    public required byte[] CanonicalJson { get; init; }
    public OutboxState State { get; init; } = OutboxState.Queued;
    public int Attempts { get; init; }
    /// <summary>Attempts made before the last 'outbox retry': the policy's budget counts from here.</summary>
    public int RetryBase { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset Updated { get; init; }
    public Receipt? Receipt { get; init; }
}
