using System.CommandLine;
using System.Net.Http.Json;
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
        var wait = new Option<bool>("--wait") { Description = "Wait for the partner's signed receipt" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 120 };
        var command = new Command("send", "Queue a document for a partner; prints the message id (and, with --wait, the receipt)") { to, type, file, format, wait, timeout };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new Configuration.ConfigurationException($"file not found: {path}");
            }

            var config = context.Folder.LoadConfig();
            using var http = new HttpClient { BaseAddress = new Uri(config.SoapUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Add(BackendApi.ApiKeyHeader, config.ApiKey);
            var request = new OutboxRequest(parse.GetValue(to), parse.GetValue(type), Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path, cancellationToken)), parse.GetValue(format), null);

            HttpResponseMessage response;
            try
            {
                response = await http.PostAsJsonAsync("api/outbox", request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new CheckFailedException($"node {config.NodeId} is not reachable at {config.SoapUrl} (is 'n2n serve --data {context.Folder.Root}' running?): {e.Message}");
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (!response.IsSuccessStatusCode)
            {
                var root = body.RootElement;
                var code = root.TryGetProperty("reasonCode", out var c) ? c.GetString() : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var rule = root.TryGetProperty("ruleId", out var r) && r.ValueKind == JsonValueKind.String ? " " + r.GetString() : "";
                var message = root.TryGetProperty("message", out var m) ? m.GetString() : root.ToString();
                if (context.Json)
                {
                    context.Out.WriteLine(root.ToString());
                }

                return await Fail(context, $"refused: {code}{rule}: {message}", code == "USAGE" ? ExitCodes.Usage : ExitCodes.CheckFailed);
            }

            var messageId = body.RootElement.GetProperty("messageId").GetGuid();
            if (!parse.GetValue(wait))
            {
                if (context.Json)
                {
                    context.Out.WriteLine(body.RootElement.ToString());
                }
                else
                {
                    context.Out.WriteLine(messageId);
                }

                return ExitCodes.Ok;
            }

            var deadline = DateTime.UtcNow.AddSeconds(parse.GetValue(timeout));
            while (true)
            {
                var status = await http.GetFromJsonAsync<JsonElement>($"api/outbox/{messageId}", cancellationToken);
                var state = status.GetProperty("state").GetString();
                if (state is "delivered" or "rejected" or "dead" || DateTime.UtcNow > deadline)
                {
                    return Report(context, messageId, state!, status);
                }

                // Polling the node's own API: the CLI is a separate process with no other way to be told.
                await Task.Delay(200, cancellationToken);
            }
        });
        return command;
    }

    private static int Report(CliContext context, Guid messageId, string state, JsonElement status)
    {
        if (context.Json)
        {
            context.Out.WriteLine(status.ToString());
        }
        else
        {
            context.Out.WriteLine($"message {messageId}");
            if (status.TryGetProperty("receipt", out var receipt) && receipt.ValueKind == JsonValueKind.Object)
            {
                var reason = receipt.GetProperty("reasonCode").ValueKind == JsonValueKind.String
                    ? $" {receipt.GetProperty("reasonCode").GetString()} {receipt.GetProperty("ruleId")} {receipt.GetProperty("detail")}"
                    : "";
                context.Out.WriteLine($"{receipt.GetProperty("status").GetString()}{reason}");
                context.Out.WriteLine($"receiver log index {receipt.GetProperty("logIndex").GetInt64()}, tree size {receipt.GetProperty("treeSize").GetInt64()}, root {receipt.GetProperty("rootHash").GetString()}");
            }
            else
            {
                context.Out.WriteLine($"{state}: {status.GetProperty("lastError")}");
            }
        }

        return state == "delivered" ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private static async Task<int> Fail(CliContext context, string message, int code)
    {
        await context.Error.WriteLineAsync("n2n: " + message);
        return code;
    }
}
