using N2N.Node.Configuration;
using N2N.Node.Exchange;

namespace N2N.Node.Transport.Soap;

/// <summary>Maps <c>POST /n2n/{partner}/soap</c>: reads the bytes (bounded) and hands them to the pipeline.</summary>
internal static class SoapEndpoint
{
    public const string ContentType = "application/soap+xml; charset=utf-8";

    public static IEndpointRouteBuilder MapSoapExchange(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/n2n/{partner}/soap", HandleAsync);
        routes.MapGet("/n2n/{partner}/log/proof", ProofAsync);
        return routes;
    }

    private static async Task HandleAsync(string partner, HttpContext context, ExchangePipeline pipeline, SoapBinding binding, NodeConfig config, PartnerRateLimiter limiter, CancellationToken cancellationToken)
    {
        // Over its quota, a partner gets 429 before we read or parse anything (and nothing is logged: a flood must not fill the log).
        var outcome = limiter.TryAcquire(partner)
            ? await ProcessAsync(context, partner, pipeline, binding, config, cancellationToken)
            : InboundOutcome.Fault(N2N.Trust.ReasonCodes.RateLimited, $"partner {partner} is over its message quota; retry later");
        context.Response.ContentType = ContentType;
        byte[] reply;
        if (outcome.Reply is not null)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            reply = outcome.Reply;
        }
        else
        {
            context.Response.StatusCode = SoapFault.HttpStatus(outcome.FaultCode!);
            reply = SoapFault.Write(outcome.FaultCode!, outcome.FaultMessage ?? outcome.FaultCode!);
        }

        context.Response.ContentLength = reply.Length;
        await context.Response.Body.WriteAsync(reply, cancellationToken);
    }

    private static async Task<InboundOutcome> ProcessAsync(HttpContext context, string partner, ExchangePipeline pipeline, SoapBinding binding, NodeConfig config, CancellationToken cancellationToken)
    {
        var (body, truncated) = await ReadBoundedAsync(context.Request.Body, config.MaxMessageBytes, cancellationToken);
        return await pipeline.ProcessAsync(binding, partner, body, truncated, cancellationToken, context.Connection.ClientCertificate);
    }

    /// <summary>The request header carrying the partner's signed <c>n2n.proof-request</c> (COSE_Sign1, base64).</summary>
    public const string ProofRequestHeader = "X-N2N-Proof-Request";

    /// <summary><c>GET /n2n/{partner}/log/proof?index=&amp;size=</c>: the query must match the signed request.</summary>
    private static async Task<IResult> ProofAsync(string partner, long index, long size, HttpRequest request, Audit.ProofService proofs, PartnerRateLimiter limiter, CancellationToken cancellationToken)
    {
        if (!limiter.TryAcquire(partner))
        {
            return Results.Json(new { reasonCode = N2N.Trust.ReasonCodes.RateLimited, message = $"partner {partner} is over its message quota" }, statusCode: StatusCodes.Status429TooManyRequests);
        }

        try
        {
            var signed = Convert.FromBase64String(request.Headers[ProofRequestHeader].ToString());
            var asked = System.Text.Json.JsonSerializer.Deserialize<Audit.ProofRequest>(N2N.Trust.Cose.CoseEnvelope.ReadPayload(signed), Audit.ProofService.Json);
            if (asked != new Audit.ProofRequest(index, size))
            {
                throw new N2N.Trust.TrustException(N2N.Trust.ReasonCodes.Malformed, "the query does not match the signed proof request");
            }

            return Results.Bytes(await proofs.AnswerAsync(partner, signed, cancellationToken, request.HttpContext.Connection.ClientCertificate), "application/cose");
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            return Results.Json(new { reasonCode = N2N.Trust.ReasonCodes.Malformed, message = e.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (N2N.Trust.TrustException e)
        {
            return Results.Json(new { reasonCode = e.ReasonCode, message = e.Message }, statusCode: e.ReasonCode == N2N.Trust.ReasonCodes.NotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; an oversize body is cut there and flagged, never buffered whole.</summary>
    internal static async Task<(byte[] Body, bool Truncated)> ReadBoundedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }

            if (buffer.Length + read > limit)
            {
                buffer.Write(chunk, 0, (int)(limit - buffer.Length));
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }
    }
}
