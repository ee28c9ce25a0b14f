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
        return routes;
    }

    private static async Task HandleAsync(string partner, HttpContext context, ExchangePipeline pipeline, SoapBinding binding, NodeConfig config, CancellationToken cancellationToken)
    {
        var (body, truncated) = await ReadBoundedAsync(context.Request.Body, config.MaxMessageBytes, cancellationToken);
        var outcome = await pipeline.ProcessAsync(binding, partner, body, truncated, cancellationToken);
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

        await context.Response.Body.WriteAsync(reply, cancellationToken);
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
