using Google.Protobuf;
using Grpc.Core;
using N2N.Node.Configuration;
using N2N.Node.Exchange;
using N2N.Trust;

namespace N2N.Node.Transport.Grpc;

/// <summary>The <c>n2n.v1.Exchange</c> service: hands COSE envelopes to the same pipeline as SOAP.</summary>
internal sealed class ExchangeService(ExchangePipeline pipeline, GrpcBinding binding, NodeConfig config, Audit.ProofService proofs, PartnerRateLimiter limiter) : V1.Exchange.ExchangeBase
{
    /// <summary>The trailer that carries our reason code with a non-OK status.</summary>
    public const string ReasonTrailer = "n2n-reason-code";

    public override async Task<V1.Envelope> Submit(V1.Envelope request, ServerCallContext context)
    {
        var raw = request.CoseSign1.ToByteArray();
        // The partner is the claimed sender; the pipeline then holds the signature to that partner's pins.
        var sender = Admit(raw);
        var outcome = await pipeline.ProcessAsync(binding, sender, raw, raw.Length > config.MaxMessageBytes, context.CancellationToken, context.GetHttpContext().Connection.ClientCertificate);
        return outcome.Reply is not null
            ? new V1.Envelope { CoseSign1 = ByteString.CopyFrom(outcome.Reply) }
            : throw Fault(outcome.FaultCode!, outcome.FaultMessage!);
    }

    public override async Task<V1.Envelope> Query(V1.Envelope request, ServerCallContext context)
    {
        var raw = request.CoseSign1.ToByteArray();
        var outcome = await pipeline.AnswerQueryAsync(binding, Admit(raw), raw, raw.Length > config.MaxMessageBytes, context.CancellationToken, context.GetHttpContext().Connection.ClientCertificate);
        return outcome.Reply is not null
            ? new V1.Envelope { CoseSign1 = ByteString.CopyFrom(outcome.Reply) }
            : throw Fault(outcome.FaultCode!, outcome.FaultMessage!);
    }

    public override async Task<V1.Envelope> Proof(V1.Envelope request, ServerCallContext context)
    {
        try
        {
            var raw = request.CoseSign1.ToByteArray();
            Admit(raw);
            return new V1.Envelope { CoseSign1 = ByteString.CopyFrom(await proofs.AnswerAsync(null, raw, context.CancellationToken, context.GetHttpContext().Connection.ClientCertificate)) };
        }
        catch (TrustException e)
        {
            throw Fault(e.ReasonCode, e.Message);
        }
    }

    /// <summary>The claimed sender, if its quota allows one more message; RESOURCE_EXHAUSTED (RATE_LIMITED) otherwise.</summary>
    private string? Admit(byte[] raw)
    {
        var sender = binding.ReadClaims(raw).From;
        return limiter.TryAcquire(sender) ? sender : throw Fault(ReasonCodes.RateLimited, $"partner {sender} is over its message quota; retry later");
    }

    internal static RpcException Fault(string reasonCode, string message) =>
        new(new Status(StatusFor(reasonCode), $"{reasonCode}: {message}"), new Metadata { { ReasonTrailer, reasonCode } });

    internal static StatusCode StatusFor(string reasonCode) => reasonCode switch
    {
        ReasonCodes.UnknownPartner => StatusCode.PermissionDenied,
        ReasonCodes.BadSignature or ReasonCodes.UntrustedCert or ReasonCodes.CertExpired => StatusCode.Unauthenticated,
        ReasonCodes.TooLarge or ReasonCodes.RateLimited => StatusCode.ResourceExhausted,
        ReasonCodes.StaleTimestamp => StatusCode.FailedPrecondition,
        ReasonCodes.Conflict => StatusCode.AlreadyExists,
        ReasonCodes.Internal => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}
