using N2N.Node.Delivery;
using N2N.Node.Exchange;

namespace N2N.Node.Log;

/// <summary>What the receiver keeps per (partner, message id): the payload digest and the receipt it issued.</summary>
public sealed record InboundRecord(byte[] PayloadDigest, long EntryIndex, byte[] Receipt);

/// <summary>The outcome of committing an inbound message: a new entry, or the earlier one for a duplicate.</summary>
public sealed record InboundCommit(LogPosition? Position, InboundRecord Record)
{
    public bool Duplicate => Position is null;
}

/// <summary>A filter for browsing the log.</summary>
public sealed record LogQuery(long FromIndex = 0, int Limit = 1000, Direction? Direction = null, string? Partner = null, Verdict? Verdict = null);

/// <summary>The exchange log, de-duplication records and outbox: the node's one durable store.</summary>
/// <remarks>Every method that appends commits the entry, its Merkle nodes and any tree head in one transaction.</remarks>
public interface IExchangeStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Appends an entry that needs no receipt (a refused, unauthenticated message).</summary>
    Task<LogPosition> AppendAsync(LogEntryDraft entry, CancellationToken cancellationToken);

    /// <summary>Appends several entries in one commit under one signed tree head (bulk import, benchmarks).</summary>
    Task<LogPosition> AppendManyAsync(IReadOnlyList<LogEntryDraft> entries, CancellationToken cancellationToken);

    Task<InboundRecord?> FindInboundAsync(string partner, Guid messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an authenticated inbound message and its de-duplication record, signs the receipt over the new position
    /// and stores a signed tree head, all in one durable commit. If the id is already recorded nothing is appended.
    /// </summary>
    Task<InboundCommit> CommitInboundAsync(LogEntryDraft entry, Guid messageId, byte[] payloadDigest, Func<LogPosition, byte[]> issueReceipt, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogEntry>> ListAsync(LogQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogEntry>> FindByMessageIdAsync(string messageId, CancellationToken cancellationToken);

    Task<SignedTreeHead?> LatestTreeHeadAsync(CancellationToken cancellationToken);

    /// <summary>Every entry in index order, streamed (audits and replays read logs of millions of entries).</summary>
    IAsyncEnumerable<LogEntry> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Every signed tree head, by size.</summary>
    Task<IReadOnlyList<SignedTreeHead>> TreeHeadsAsync(CancellationToken cancellationToken);

    /// <summary>Every signed tree head by size, streamed (a log of a million entries can hold a million heads).</summary>
    IAsyncEnumerable<SignedTreeHead> ReadTreeHeadsAsync(CancellationToken cancellationToken);

    /// <summary>RFC 9162 inclusion proof of a leaf in the tree of a given size, from stored interior hashes.</summary>
    Task<IReadOnlyList<byte[]>> InclusionProofAsync(long leafIndex, long treeSize, CancellationToken cancellationToken);

    /// <summary>RFC 9162 consistency proof between two tree sizes, from stored interior hashes.</summary>
    Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long oldSize, long newSize, CancellationToken cancellationToken);

    Task AddOutboxAsync(OutboxMessage message, CancellationToken cancellationToken);

    Task<OutboxMessage?> GetOutboxAsync(Guid messageId, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutboxMessage>> ListOutboxAsync(OutboxState? state, CancellationToken cancellationToken);

    /// <summary>
    /// Claims attempt number <paramref name="expectedAttempts"/> + 1 and keeps its exact bytes (a receipt is matched to
    /// what was really sent). False when another job already made that attempt or the message is closed.
    /// </summary>
    Task<bool> TryBeginAttemptAsync(Guid messageId, int expectedAttempts, byte[] envelope, byte[] digest, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Re-opens a dead-lettered message with a fresh attempt budget; false if it is not dead.</summary>
    Task<bool> RetryDeadAsync(Guid messageId, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>The envelope of the attempt whose SHA-256 is <paramref name="digest"/>, if we sent it.</summary>
    Task<byte[]?> FindAttemptAsync(Guid messageId, byte[] digest, CancellationToken cancellationToken);

    /// <summary>Logs the delivered envelope and the partner's receipt and closes the outbox message, in one commit.</summary>
    Task CompleteDeliveryAsync(Guid messageId, LogEntryDraft sent, LogEntryDraft receipt, Receipt parsed, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; <paramref name="dead"/> closes the message as dead-lettered.</summary>
    Task FailAttemptAsync(Guid messageId, string error, bool dead, DateTimeOffset time, CancellationToken cancellationToken);
}
