namespace N2N.Trust;

/// <summary>The exchange header every message carries, whatever the binding.</summary>
/// <param name="MessageId">A UUID, lower-case, without the <c>urn:uuid:</c> prefix.</param>
/// <param name="Created">Creation time, UTC, millisecond precision.</param>
public sealed record ExchangeHeader(
    Guid MessageId,
    string ConversationId,
    string From,
    string To,
    string DocumentType,
    DateTimeOffset Created)
{
    /// <summary>The SOAP action URI of a document type: <c>urn:n2n:{DocumentType}</c>.</summary>
    public string Action => "urn:n2n:" + DocumentType;

    /// <summary>The <c>wsa:MessageID</c> form of the id.</summary>
    public string MessageUrn => "urn:uuid:" + MessageId.ToString("D");
}
