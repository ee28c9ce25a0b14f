using N2N.Adapters.Canonical;

namespace N2N.Adapters.Aeo;

/// <summary>What the AEO status-list adapters share: status mapping and the checks made before rendering.</summary>
internal static class AeoFormat
{
    /// <summary>
    /// A partner status code to the canonical status. An unknown code is carried verbatim, so the <c>aeo.status</c> rule
    /// refuses the list with its rule id (partner codes — digits, upper-case words, kanji — never spell a canonical status).
    /// </summary>
    public static string MapStatus(IReadOnlyDictionary<string, string> map, string code) =>
        map.TryGetValue(code, out string? status) ? status : code;

    /// <summary>The document as a status list of this issuing country and programme, or the caller's error.</summary>
    public static AeoStatusList ListOf(CanonicalDocument document, string adapterId, string issuingCountry, string programme)
    {
        if (document is not AeoStatusList list)
        {
            throw new ArgumentException($"{adapterId} renders {AeoStatusList.TypeName}, not {document?.DocumentType}.", nameof(document));
        }

        if (list.IssuingCountry != issuingCountry)
        {
            throw new ArgumentException($"{adapterId} carries lists issued by {issuingCountry}, not {list.IssuingCountry}.", nameof(document));
        }

        foreach (AeoRecord record in list.Records)
        {
            if (record.Programme != programme)
            {
                throw new ArgumentException($"{adapterId} carries programme {programme}, not {record.Programme} (AEO {record.AeoId}).", nameof(document));
            }
        }

        return list;
    }

    /// <summary>The record's one id of this scheme; null when it has none and <paramref name="required"/> is false. Other schemes cannot be expressed.</summary>
    public static string? NationalId(AeoRecord record, string scheme, bool required, string adapterId)
    {
        if (record.NationalIds.FirstOrDefault(id => id.Scheme != scheme) is { } other)
        {
            throw new ArgumentException($"{adapterId} carries only {scheme} ids, not {other.Scheme} (AEO {record.AeoId}).", nameof(record));
        }

        return record.NationalIds.Count switch
        {
            1 => record.NationalIds[0].Value,
            0 when !required => null,
            0 => throw new ArgumentException($"{adapterId} requires a {scheme} id (AEO {record.AeoId}).", nameof(record)),
            _ => throw new ArgumentException($"{adapterId} carries one {scheme} id per operator (AEO {record.AeoId}).", nameof(record)),
        };
    }

    /// <summary>Refuses a value the format has no field for, rather than dropping it silently.</summary>
    public static void CannotExpress(object? value, string what, AeoRecord record, string adapterId)
    {
        if (value is not null)
        {
            throw new ArgumentException($"{adapterId} has no field for {what} (AEO {record.AeoId}).", nameof(record));
        }
    }
}
