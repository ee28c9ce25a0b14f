using System.Security.Cryptography;
using System.Text.Json.Nodes;
using N2N.Adapters;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Trust;
using N2N.Trust.TrustStore;

namespace N2N.Node.Audit;

/// <summary>What a replay concluded about one entry.</summary>
public enum ReplayOutcome
{
    /// <summary>The signature verifies as of its time and the adapter gives the recorded canonical hash (or the same refusal).</summary>
    Identical,
    /// <summary>The adapter's result differs from what was recorded.</summary>
    Different,
    /// <summary>The signature no longer verifies, or the partner or adapter is gone.</summary>
    Unverifiable,
    /// <summary>Nothing to re-run: refused before translation (its refusal is in the entry).</summary>
    Skipped,
}

/// <summary>One entry's replay.</summary>
public sealed record ReplayResult(long Index, string? MessageId, ReplayOutcome Outcome, string Detail, IReadOnlyList<string> Differences);

/// <summary>
/// Re-verifies a stored message with the trust material valid at its time (the partner's pins for what we received,
/// our own certificate history for what we sent), re-runs the recorded adapter, and compares with the recorded hash.
/// </summary>
public sealed class Replayer(PartnerDirectory partners, PartnerTrust ourTrust, AdapterCatalog adapters, IEnumerable<IMessageBinding> bindings)
{
    public ReplayResult Replay(LogEntry entry, bool withCurrent = false)
    {
        var d = entry.Draft;
        ReplayResult Result(ReplayOutcome outcome, string detail, IReadOnlyList<string>? differences = null) =>
            new(entry.Index, d.MessageId, outcome, detail, differences ?? []);

        if (d.AdapterId is null && d.DocumentType != Receipt.DocumentType)
        {
            return Result(ReplayOutcome.Skipped, $"refused before translation ({d.ReasonCode})");
        }

        var binding = bindings.FirstOrDefault(b => b.Name == d.Transport);
        var trust = d.Direction == Direction.Out ? ourTrust : partners.Find(d.Partner)?.Trust;
        if (binding is null || trust is null)
        {
            return Result(ReplayOutcome.Unverifiable, binding is null ? $"no '{d.Transport}' binding" : $"partner {d.Partner} is no longer configured");
        }

        VerifiedMessage message;
        try
        {
            message = binding.Verify(d.Raw, trust, d.Time);
        }
        catch (TrustException e)
        {
            return Result(ReplayOutcome.Unverifiable, $"signature as of {d.Time:yyyy-MM-dd'T'HH:mm:ss'Z'}: {e.ReasonCode}: {e.Message}");
        }

        if (d.DocumentType == Receipt.DocumentType)
        {
            return Result(ReplayOutcome.Identical, $"receipt signed by {message.Signer.Subject}");
        }

        var adapterId = withCurrent && partners.Find(d.Partner)?.Profile.Documents.GetValueOrDefault(d.DocumentType!) is { } route ? route.Adapter : d.AdapterId!;
        var adapter = adapters.Find(adapterId, d.DocumentType!);
        if (adapter is null)
        {
            return Result(ReplayOutcome.Unverifiable, $"adapter {adapterId} for {d.DocumentType} is not registered");
        }

        var translation = adapters.Translate(adapter, message.Payload);
        if (!translation.IsSuccess)
        {
            var same = d.Verdict == Verdict.Rejected && d.ReasonCode == translation.Error!.ReasonCode;
            return Result(same ? ReplayOutcome.Identical : ReplayOutcome.Different,
                same ? $"refused again by {adapter.Id}: {translation.Error!.ReasonCode} {translation.Error.RuleId}" : $"{adapter.Id} now refuses it: {translation.Error!.ReasonCode} {translation.Error.RuleId}: {translation.Error.Message}");
        }

        if (SHA256.HashData(translation.CanonicalJson!).AsSpan().SequenceEqual(entry.CanonicalHash))
        {
            return Result(ReplayOutcome.Identical, $"signed by {message.Signer.Subject}; {adapter.Id} gives the recorded canonical hash");
        }

        var differences = d.CanonicalJson is null
            ? ["(no canonical form was recorded)"]
            : Diff(JsonNode.Parse(d.CanonicalJson), JsonNode.Parse(translation.CanonicalJson!), "$");
        return Result(ReplayOutcome.Different, $"{adapter.Id} gives a canonical form whose hash differs from the recorded one", differences);
    }

    /// <summary>Paths where two canonical documents differ, with both values.</summary>
    internal static List<string> Diff(JsonNode? recorded, JsonNode? now, string path)
    {
        if (recorded is JsonObject a && now is JsonObject b)
        {
            return [.. a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal).SelectMany(k => Diff(a[k], b[k], $"{path}.{k}"))];
        }

        if (recorded is JsonArray x && now is JsonArray y)
        {
            return [.. Enumerable.Range(0, Math.Max(x.Count, y.Count)).SelectMany(i => Diff(i < x.Count ? x[i] : null, i < y.Count ? y[i] : null, $"{path}[{i}]"))];
        }

        return JsonNode.DeepEquals(recorded, now) ? [] : [$"{path}: recorded {recorded?.ToJsonString() ?? "(absent)"}, now {now?.ToJsonString() ?? "(absent)"}"];
    }

    /// <summary>The replayer for a node's data folder: its partners, our own certificate history, the built-in adapters.</summary>
    public static Replayer ForDataFolder(DataFolder folder) =>
        new(PartnerDirectory.Load(folder), OwnTrust(folder.LoadConfig().NodeId, folder.LoadOwnProfile().Certificates), AdapterCatalog.CreateBuiltIn(), AllBindings());

    /// <summary>Every wire binding, for work on logged messages of either transport.</summary>
    public static IReadOnlyList<IMessageBinding> AllBindings() =>
        [new Transport.Soap.SoapBinding(N2N.Trust.WsSecurity.XmlLimits.Default), new Transport.Grpc.GrpcBinding()];

    /// <summary>Our own certificate history as a trust store, to verify what we signed.</summary>
    public static PartnerTrust OwnTrust(string nodeId, IEnumerable<CertificateEntry> certificates) =>
        new(nodeId, [.. certificates.Select(c => new PinnedCertificate(N2N.Trust.Keys.KeyFiles.ReadCertificate(c.Pem), c.ValidFrom, c.ValidTo))]);
}
