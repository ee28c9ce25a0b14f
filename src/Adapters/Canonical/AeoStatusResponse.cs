using System.Text.Json;
using System.Text.Json.Serialization;

namespace N2N.Adapters.Canonical;

/// <summary>The answer to an <see cref="AeoStatusQuery"/> (document type <c>aeo.status-response</c>).</summary>
public sealed record AeoStatusResponse : CanonicalDocument, IJsonOnDeserialized
{
    /// <summary>The document type string of this record.</summary>
    public const string TypeName = "aeo.status-response";

    /// <inheritdoc />
    public override string DocumentType => TypeName;

    /// <summary>The <see cref="AeoStatusQuery.RequestId"/> this answers.</summary>
    public required string RequestId { get; init; }

    /// <summary>True when the operator is on the programme's list; <see cref="Record"/> is then set, else absent.</summary>
    public required bool Found { get; init; }

    /// <summary>The date the answer describes.</summary>
    public required DateOnly AsOfDate { get; init; }

    /// <summary>The operator's record as of <see cref="AsOfDate"/>; present exactly when <see cref="Found"/>.</summary>
    public AeoRecord? Record { get; init; }

    void IJsonOnDeserialized.OnDeserialized()
    {
        if (Found != Record is not null)
        {
            throw new JsonException(Found ? "found is true but there is no record." : "found is false but a record is given.");
        }
    }
}
