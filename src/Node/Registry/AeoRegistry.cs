using System.Text.Json;
using N2N.Adapters.Canonical;

namespace N2N.Node.Registry;

/// <summary>Where an AEO record came from: which list, which logged message, signed by whom, received when.</summary>
public sealed record AeoProvenance(
    string Source,
    string ListId,
    string ListKind,
    DateOnly ListAsOf,
    long? LogIndex,
    string? MessageId,
    string? SignedBy,
    DateTimeOffset Received);

/// <summary>The answer to "is X a valid AEO of country C on date D", with the list it comes from.</summary>
public sealed record AeoAnswer(
    string Country,
    string Query,
    DateOnly Date,
    bool Valid,
    string Status,
    string Reason,
    AeoRecord? Record,
    AeoProvenance? Provenance);

/// <summary>The mirrored AEO lists of partners and our own list, derived from the exchange log.</summary>
public interface IAeoRegistry
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Applies a list in log order: a full list replaces the country's set as of its date, a delta amends it.</summary>
    Task ApplyAsync(AeoStatusList list, AeoProvenance provenance, CancellationToken cancellationToken);

    /// <summary>Looks up by AEO id, or by national id written <c>scheme:value</c> (e.g. <c>KR-BRN:1234567891</c>).</summary>
    Task<AeoAnswer> QueryAsync(string country, string id, DateOnly date, CancellationToken cancellationToken);

    /// <summary>Our own current list (for publishing), or null when the national system has loaded none.</summary>
    Task<AeoStatusList?> OwnListAsync(string nodeId, CancellationToken cancellationToken);

    /// <summary>Index of the last log entry applied, so start-up can catch up on what a crash left unapplied.</summary>
    Task<long> LastAppliedLogIndexAsync(CancellationToken cancellationToken);

    /// <summary>Forgets everything learnt from the log (our own list stays), before a rebuild.</summary>
    Task ClearPartnerStateAsync(CancellationToken cancellationToken);

    /// <summary>A digest of the whole partner state, to show a rebuild gives the same registry.</summary>
    Task<string> StateDigestAsync(CancellationToken cancellationToken);
}

/// <summary>How an answer is judged from the latest record that covers the date.</summary>
internal static class AeoVerdict
{
    public static AeoAnswer Judge(string country, string query, DateOnly date, AeoRecord? record, AeoProvenance? provenance)
    {
        if (record is null)
        {
            return provenance is null
                ? new AeoAnswer(country, query, date, false, "unknown", $"no {country} list received covers {date:yyyy-MM-dd} with {query}", null, null)
                : new AeoAnswer(country, query, date, false, "unknown", $"{query} is not on {country}'s list {provenance.ListId} (as of {provenance.ListAsOf:yyyy-MM-dd})", null, provenance);
        }

        if (record.Status != AeoStatus.Valid)
        {
            return new AeoAnswer(country, query, date, false, record.Status, $"{record.AeoId} is {record.Status} since {record.StatusDate:yyyy-MM-dd}", record, provenance);
        }

        if (date < record.ValidFrom)
        {
            return new AeoAnswer(country, query, date, false, "not-yet-valid", $"{record.AeoId} is certified from {record.ValidFrom:yyyy-MM-dd}", record, provenance);
        }

        if (record.ValidTo is { } to && date > to)
        {
            return new AeoAnswer(country, query, date, false, AeoStatus.Expired, $"{record.AeoId}'s certification ended {to:yyyy-MM-dd}", record, provenance);
        }

        var tier = record.Tier is null ? "" : $", tier {record.Tier}";
        return new AeoAnswer(country, query, date, true, AeoStatus.Valid, $"{record.AeoId} is a valid {record.Programme} AEO{tier}", record, provenance);
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
