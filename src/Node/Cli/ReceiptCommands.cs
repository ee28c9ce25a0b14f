using System.CommandLine;
using N2N.Node.Audit;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Trust.Keys;

namespace N2N.Node.Cli;

/// <summary><c>receipts check [--partner XX]</c>: hold partners to the receipts they signed.</summary>
internal static class ReceiptCommands
{
    public static Command Create()
    {
        var partner = new Option<string?>("--partner") { Description = "Only receipts from this partner" };
        var check = new Command("check", "Fetch proofs for our receipts: is each entry still in the partner's log, and did the log only grow? Exit 1 if not.") { partner };
        check.SetHandler(async (parse, context, cancellationToken) =>
        {
            var config = context.Folder.LoadConfig();
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            var only = parse.GetValue(partner)?.ToUpperInvariant();
            var delivered = (await store.ListOutboxAsync(null, cancellationToken))
                .Where(m => m.State is OutboxState.Delivered or OutboxState.Rejected && (only is null || m.Partner == only)).ToList();
            using var credential = KeyFiles.Load(context.Folder.Resolve(config.CertificateFile), config.KeyFile is null ? null : context.Folder.Resolve(config.KeyFile), config.KeyPassword);
            var partners = PartnerDirectory.Load(context.Folder);
            using var tls = config.Tls is { } settings ? NodeSetup.LoadTls(context.Folder, settings) : null;
            var results = await new ReceiptChecker(config, credential, new Transport.PartnerConnections(tls, () => partners.All), TimeProvider.System)
                .CheckAsync(delivered, partners, cancellationToken);
            var failed = results.Where(r => !r.Ok).ToList();
            if (context.Json)
            {
                context.WriteJson(new { checkedReceipts = results.Count, failed = failed.Count, results });
            }
            else
            {
                foreach (var r in results)
                {
                    context.Out.WriteLine($"{(r.Ok ? "ok  " : "FAIL")}  {r.Partner} entry {r.LogIndex} ({r.MessageId}): {r.Detail}");
                }

                context.Out.WriteLine($"{results.Count} receipt(s) checked, {failed.Count} failed");
            }

            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        var command = new Command("receipts", "Receipts partners signed for our messages");
        command.Subcommands.Add(check);
        return command;
    }

    /// <summary><c>resend ID</c>: deliver a delivered message again, same id and bytes; the partner must give its original receipt.</summary>
    public static Command Resend()
    {
        var id = new Argument<Guid>("message-id") { Description = "The outbound message id" };
        var command = new Command("resend", "Deliver an outbound message again, same id and bytes. Exit 0 when the partner answers with its original receipt.") { id };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            using var api = new NodeApiClient(context.Folder);
            var (status, body) = await api.PostJsonAsync($"api/outbox/{parse.GetValue(id)}/resend", new { }, cancellationToken);
            if (status != 200)
            {
                throw new CheckFailedException("refused: " + NodeApiClient.Reason(status, body));
            }

            context.Out.WriteLine(context.Json ? body.ToString() : body.GetProperty("detail").GetString());
            return body.GetProperty("originalReceipt").GetBoolean() ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
