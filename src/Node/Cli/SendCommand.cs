using System.CommandLine;
using System.Text;
using System.Text.Json;
using N2N.Node.Api;

namespace N2N.Node.Cli;

/// <summary><c>send --to XX --type T --file F [--format ID] [--wait]</c>: queues a document through the node's backend API.</summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "Partner country code", Required = true };
        var type = new Option<string>("--type") { Description = "Document type, e.g. ecfa.co", Required = true };
        var file = new Option<string>("--file") { Description = "The document: canonical JSON or any registered format", Required = true };
        var format = new Option<string?>("--format") { Description = "Adapter id of the file's format (default: detected)" };
        var wait = WaitOption();
        var timeout = TimeoutOption();
        var command = new Command("send", "Queue a document for a partner; prints the message id (and, with --wait, the receipt)") { to, type, file, format, wait, timeout };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new Configuration.ConfigurationException($"file not found: {path}");
            }

            using var api = new NodeApiClient(context.Folder);
            var request = new OutboxRequest(parse.GetValue(to), parse.GetValue(type), Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path, cancellationToken)), parse.GetValue(format), null);
            var (status, body) = await api.PostJsonAsync("api/outbox", request, cancellationToken);
            return await ReportQueuedAsync(context, api, status, body, parse.GetValue(wait), parse.GetValue(timeout), cancellationToken);
        });
        return command;
    }

    internal static Option<bool> WaitOption() => new("--wait") { Description = "Wait for the partner's signed receipt" };

    internal static Option<int> TimeoutOption() => new("--timeout") { Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 120 };

    /// <summary>Prints what the node said about a queued message, optionally waiting for its receipt; returns the exit code.</summary>
    internal static async Task<int> ReportQueuedAsync(CliContext context, NodeApiClient api, int status, JsonElement body, bool wait, int timeoutSeconds, CancellationToken cancellationToken)
    {
        if (status is < 200 or >= 300)
        {
            if (context.Json)
            {
                context.Out.WriteLine(body.ToString());
            }

            await context.Error.WriteLineAsync("n2n: refused: " + NodeApiClient.Reason(status, body));
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reasonCode", out var c) && c.GetString() == "USAGE" ? ExitCodes.Usage : ExitCodes.CheckFailed;
        }

        var messageId = body.GetProperty("messageId").GetGuid();
        if (!wait)
        {
            context.Out.WriteLine(context.Json ? body.ToString() : messageId.ToString());
            return ExitCodes.Ok;
        }

        var final = await api.WaitForFinalStateAsync(messageId, TimeSpan.FromSeconds(timeoutSeconds), cancellationToken);
        var state = final.GetProperty("state").GetString()!;
        if (context.Json)
        {
            context.Out.WriteLine(final.ToString());
        }
        else
        {
            context.Out.WriteLine($"message {messageId}");
            if (final.TryGetProperty("receipt", out var receipt) && receipt.ValueKind == JsonValueKind.Object)
            {
                var reason = receipt.GetProperty("reasonCode").ValueKind == JsonValueKind.String
                    ? $" {receipt.GetProperty("reasonCode").GetString()} {receipt.GetProperty("ruleId")} {receipt.GetProperty("detail")}"
                    : "";
                context.Out.WriteLine($"{receipt.GetProperty("status").GetString()}{reason}");
                context.Out.WriteLine($"receiver log index {receipt.GetProperty("logIndex").GetInt64()}, tree size {receipt.GetProperty("treeSize").GetInt64()}, root {receipt.GetProperty("rootHash").GetString()}");
            }
            else
            {
                context.Out.WriteLine($"{state}: {final.GetProperty("lastError")}");
            }
        }

        return state == "delivered" ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
