using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Log;

namespace N2N.Node.Api;

/// <summary>A send request on the backend API; <see cref="Document"/> is the document text (canonical JSON or a partner format).</summary>
public sealed record OutboxRequest(string? To, string? Type, string? Document, string? Format, string? ConversationId);

/// <summary>The backend API for national systems: outbox, inbox. Protected by the API key in node.json.</summary>
internal static class BackendApi
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static IEndpointRouteBuilder MapBackendApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").AddEndpointFilter(RequireApiKey);
        api.MapPost("/outbox", EnqueueAsync);
        api.MapGet("/outbox/{id:guid}", GetOutboxAsync);
        api.MapGet("/outbox", ListOutboxAsync);
        api.MapPost("/outbox/{id:guid}/resend", ResendAsync);
        api.MapPost("/outbox/{id:guid}/retry", RetryAsync);
        api.MapGet("/inbox", ListInboxAsync);
        api.MapAeoApi();
        return routes;
    }

    private static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var config = context.HttpContext.RequestServices.GetRequiredService<NodeConfig>();
        var presented = context.HttpContext.Request.Headers[ApiKeyHeader].ToString();
        var ok = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(config.ApiKey));
        return ok ? await next(context) : Results.Problem("missing or wrong API key", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> EnqueueAsync(OutboxRequest request, Outbox outbox, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.To) || string.IsNullOrWhiteSpace(request.Type) || string.IsNullOrEmpty(request.Document))
        {
            return Results.BadRequest(new { reasonCode = "USAGE", message = "to, type and document are required" });
        }

        try
        {
            var message = await outbox.EnqueueAsync(
                new SendRequest(request.To, request.Type, Encoding.UTF8.GetBytes(request.Document), request.Format, request.ConversationId), cancellationToken);
            return Results.Accepted($"/api/outbox/{message.MessageId}", new { messageId = message.MessageId, state = message.State });
        }
        catch (SendRefusedException e)
        {
            return Results.UnprocessableEntity(new { reasonCode = e.ReasonCode, ruleId = e.RuleId, message = e.Message });
        }
    }

    private static async Task<IResult> GetOutboxAsync(Guid id, IExchangeStore store, CancellationToken cancellationToken) =>
        await store.GetOutboxAsync(id, cancellationToken) is { } message
            ? Results.Ok(Describe(message))
            : Results.NotFound(new { message = $"no outbound message {id}" });

    private static async Task<IResult> ListOutboxAsync(string? state, IExchangeStore store, CancellationToken cancellationToken)
    {
        OutboxState? filter = state is null ? null : Enum.TryParse<OutboxState>(state, ignoreCase: true, out var s) ? s : null;
        if (state is not null && filter is null)
        {
            return Results.BadRequest(new { message = $"unknown state '{state}'" });
        }

        return Results.Ok((await store.ListOutboxAsync(filter, cancellationToken)).Select(Describe));
    }

    private static async Task<IResult> RetryAsync(Guid id, Outbox outbox, IExchangeStore store, CancellationToken cancellationToken) =>
        await outbox.RetryAsync(id, cancellationToken)
            ? Results.Accepted($"/api/outbox/{id}", Describe((await store.GetOutboxAsync(id, cancellationToken))!))
            : Results.UnprocessableEntity(new { reasonCode = "NOT_DEAD", message = $"message {id} is not a dead letter" });

    private static async Task<IResult> ResendAsync(Guid id, Resender resender, CancellationToken cancellationToken)
    {
        try
        {
            return Results.Ok(await resender.ResendAsync(id, cancellationToken));
        }
        catch (N2N.Trust.TrustException e)
        {
            return Results.UnprocessableEntity(new { reasonCode = e.ReasonCode, message = e.Message });
        }
    }

    private static async Task<IResult> ListInboxAsync(long? from, IExchangeStore store, CancellationToken cancellationToken)
    {
        var entries = await store.ListAsync(new LogQuery(from ?? 0, 1000, Direction.In, null, Verdict.Accepted), cancellationToken);
        return Results.Ok(entries.Where(e => e.Draft.CanonicalJson is not null).Select(e => new
        {
            logIndex = e.Index,
            messageId = e.Draft.MessageId,
            from = e.Draft.Partner,
            type = e.Draft.DocumentType,
            received = e.Draft.Time,
            adapter = e.Draft.AdapterId,
            canonical = JsonNode.Parse(e.Draft.CanonicalJson!),
        }));
    }

    internal static object Describe(OutboxMessage m) => new
    {
        messageId = m.MessageId,
        to = m.Partner,
        type = m.DocumentType,
        conversationId = m.ConversationId,
        state = m.State.ToString().ToLowerInvariant(),
        attempts = m.Attempts,
        lastError = m.LastError,
        created = m.Created,
        updated = m.Updated,
        adapter = m.AdapterId,
        receipt = m.Receipt is null ? null : new
        {
            status = m.Receipt.Status,
            reasonCode = m.Receipt.ReasonCode,
            ruleId = m.Receipt.RuleId,
            detail = m.Receipt.Detail,
            logIndex = m.Receipt.LogIndex,
            treeSize = m.Receipt.TreeSize,
            rootHash = Convert.ToBase64String(m.Receipt.RootHash),
            receivedDigest = Convert.ToBase64String(m.Receipt.ReceivedDigest),
        },
    };

    // Relaxed escaping: the CLI prints names and addresses in CJK scripts, which must stay readable.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
