using System.Globalization;
using System.Text;
using N2N.Adapters;
using N2N.Adapters.Canonical;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Registry;
using N2N.Trust;

namespace N2N.Node.Api;

/// <summary>A publish request: our own AEO list to a partner, full or as a delta of changes since a date.</summary>
public sealed record PublishRequest(string? To, DateOnly? DeltaSince);

/// <summary>The AEO part of the backend API: our own list in, officer look-ups (local or live), publishing.</summary>
internal static class AeoApi
{
    public static RouteGroupBuilder MapAeoApi(this RouteGroupBuilder api)
    {
        api.MapPut("/aeo/own", LoadOwnAsync);
        api.MapGet("/aeo/{country}/{id}", VerifyAsync);
        api.MapPost("/aeo/publish", PublishAsync);
        api.MapPost("/aeo/rebuild", async (AeoRegistryUpdater updater, CancellationToken cancellationToken) =>
        {
            var (before, after, lists) = await updater.RebuildAsync(cancellationToken);
            return Results.Ok(new { lists, before, after, same = before == after });
        });
        return api;
    }

    /// <summary>Loads our national AEO list (canonical JSON or any registered list format), full or delta.</summary>
    private static async Task<IResult> LoadOwnAsync(HttpRequest request, AdapterCatalog adapters, IAeoRegistry registry, NodeConfig config, TimeProvider time, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var bytes = body.ToArray();
        var translation = bytes.AsSpan().TrimStart(" \t\r\n\uFEFF"u8).StartsWith("{"u8)
            ? adapters.ReadCanonical(bytes)
            : adapters.Detect(bytes, AeoStatusList.TypeName) is { } adapter
                ? adapters.Translate(adapter, bytes)
                : null;
        if (translation is null)
        {
            return Results.UnprocessableEntity(new { reasonCode = ReasonCodes.SchemaInvalid, message = "no registered AEO list format recognises this document" });
        }

        if (!translation.IsSuccess || translation.Document is not AeoStatusList list)
        {
            return Results.UnprocessableEntity(new { reasonCode = translation.Error?.ReasonCode ?? ReasonCodes.SchemaInvalid, ruleId = translation.Error?.RuleId, message = translation.Error?.Message ?? "not an aeo.status-list" });
        }

        if (!list.IssuingCountry.Equals(config.NodeId, StringComparison.OrdinalIgnoreCase))
        {
            return Results.UnprocessableEntity(new { reasonCode = ReasonCodes.NotAllowed, message = $"this is {list.IssuingCountry}'s list; node {config.NodeId} publishes only its own" });
        }

        await registry.ApplyAsync(list, new AeoProvenance("own", list.ListId, list.Kind, list.AsOf, null, null, "national system", time.GetUtcNow()), cancellationToken);
        return Results.Ok(new { listId = list.ListId, kind = list.Kind, asOf = list.AsOf, records = list.Records.Count });
    }

    private static async Task<IResult> VerifyAsync(string country, string id, string? date, bool? live, IAeoRegistry registry, AeoLiveQuery liveQuery, TimeProvider time, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return Results.BadRequest(new { reasonCode = "USAGE", message = $"date '{date}' is not yyyy-MM-dd" });
        }

        try
        {
            var answer = live == true
                ? await liveQuery.AskAsync(country, id, day, cancellationToken)
                : await registry.QueryAsync(country, id, day, cancellationToken);
            return Results.Ok(answer);
        }
        catch (TrustException e)
        {
            return Results.Json(new { reasonCode = e.ReasonCode, message = e.Message }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> PublishAsync(PublishRequest request, IAeoRegistry registry, Outbox outbox, NodeConfig config, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.To))
        {
            return Results.BadRequest(new { reasonCode = "USAGE", message = "to is required" });
        }

        var own = await registry.OwnListAsync(config.NodeId, cancellationToken);
        if (own is null)
        {
            return Results.UnprocessableEntity(new { reasonCode = ReasonCodes.NotAllowed, message = $"no {config.NodeId} AEO list is loaded: PUT /api/aeo/own first" });
        }

        var list = request.DeltaSince is { } since
            ? own with { Kind = AeoListKind.Delta, ListId = $"{own.ListId}-delta-{since:yyyyMMdd}", Records = own.Records.Where(r => r.StatusDate >= since).ToList() }
            : own;
        try
        {
            var message = await outbox.EnqueueAsync(new SendRequest(request.To, AeoStatusList.TypeName, CanonicalJson.Serialize(list), Outbox.CanonicalFormat), cancellationToken);
            return Results.Accepted($"/api/outbox/{message.MessageId}", new { messageId = message.MessageId, listId = list.ListId, kind = list.Kind, records = list.Records.Count });
        }
        catch (SendRefusedException e)
        {
            return Results.UnprocessableEntity(new { reasonCode = e.ReasonCode, ruleId = e.RuleId, message = e.Message });
        }
        catch (ArgumentException e)
        {
            // The partner's format cannot carry some field of our list (e.g. a tier in the Japanese CSV).
            return Results.UnprocessableEntity(new { reasonCode = ReasonCodes.SchemaInvalid, message = e.Message });
        }
    }
}
