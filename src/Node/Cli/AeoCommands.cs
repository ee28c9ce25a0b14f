using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using N2N.Node.Api;
using N2N.Node.Registry;

namespace N2N.Node.Cli;

/// <summary><c>aeo verify | load | publish | rebuild</c>: the AEO officer's and the national system's verbs.</summary>
internal static class AeoCommands
{
    public static Command Create()
    {
        var command = new Command("aeo", "AEO mutual recognition: verify operators, load and publish our list, rebuild the registry");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Load());
        command.Subcommands.Add(Publish());
        command.Subcommands.Add(Rebuild());
        return command;
    }

    private static Command Verify()
    {
        var country = new Option<string>("--country") { Description = "The AEO's country, e.g. KR", Required = true };
        var id = new Option<string>("--id") { Description = "AEO id, or a national id as scheme:value (KR-BRN:1234567891)", Required = true };
        var date = new Option<string?>("--date") { Description = "As of this date (yyyy-MM-dd; default today)" };
        var live = new Option<bool>("--live") { Description = "Ask the partner node now, over gRPC, and show its signed answer" };
        var command = new Command("verify", "Is this operator a valid AEO of that country on that date? Exit 0 valid, 1 not.") { country, id, date, live };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var day = DateOnly.FromDateTime(DateTime.UtcNow);
            if (parse.GetValue(date) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                throw new Configuration.ConfigurationException($"--date '{text}' is not yyyy-MM-dd");
            }

            AeoAnswer answer;
            if (parse.GetValue(live))
            {
                using var api = new NodeApiClient(context.Folder);
                var (status, body) = await api.GetAsync($"api/aeo/{Uri.EscapeDataString(parse.GetValue(country)!)}/{Uri.EscapeDataString(parse.GetValue(id)!)}?date={day:yyyy-MM-dd}&live=true", cancellationToken);
                if (status != 200)
                {
                    throw new CheckFailedException("live query failed: " + NodeApiClient.Reason(status, body));
                }

                answer = body.Deserialize<AeoAnswer>(AeoVerdict.Json)!;
            }
            else
            {
                // Local answers read the registry file directly, so an officer can check even while the node is down.
                context.Folder.LoadConfig();
                var registry = new SqliteAeoRegistry(context.Folder.Database);
                await registry.InitializeAsync(cancellationToken);
                answer = await registry.QueryAsync(parse.GetValue(country)!, parse.GetValue(id)!, day, cancellationToken);
            }

            Print(context, answer);
            return answer.Valid ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static Command Load()
    {
        var file = new Option<string>("--file") { Description = "Our national AEO list: canonical JSON or a registered list format", Required = true };
        var command = new Command("load", "Load our own AEO list (full or delta) into the node, as the national system does with PUT /api/aeo/own") { file };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new Configuration.ConfigurationException($"file not found: {path}");
            }

            using var api = new NodeApiClient(context.Folder);
            var (status, body) = await api.SendAsync(HttpMethod.Put, "api/aeo/own", new ByteArrayContent(await File.ReadAllBytesAsync(path, cancellationToken)), cancellationToken);
            if (status != 200)
            {
                throw new CheckFailedException("refused: " + NodeApiClient.Reason(status, body));
            }

            context.Out.WriteLine(context.Json ? body.ToString() : $"loaded {body.GetProperty("kind").GetString()} list {body.GetProperty("listId").GetString()}: {body.GetProperty("records").GetInt32()} operator(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Publish()
    {
        var to = new Option<string>("--to") { Description = "Partner country code", Required = true };
        var since = new Option<string?>("--delta-since") { Description = "Send only operators whose status changed on or after this date (yyyy-MM-dd)" };
        var wait = SendCommand.WaitOption();
        var timeout = SendCommand.TimeoutOption();
        var command = new Command("publish", "Send our AEO list to a partner in its agreed format (signed, logged, queued)") { to, since, wait, timeout };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            DateOnly? deltaSince = null;
            if (parse.GetValue(since) is { } text)
            {
                deltaSince = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d
                    : throw new Configuration.ConfigurationException($"--delta-since '{text}' is not yyyy-MM-dd");
            }

            using var api = new NodeApiClient(context.Folder);
            var (status, body) = await api.PostJsonAsync("api/aeo/publish", new PublishRequest(parse.GetValue(to), deltaSince), cancellationToken);
            return await SendCommand.ReportQueuedAsync(context, api, status, body, parse.GetValue(wait), parse.GetValue(timeout), cancellationToken);
        });
        return command;
    }

    private static Command Rebuild()
    {
        var command = new Command("rebuild", "Rebuild the AEO registry from the exchange log alone, and say whether it changed");
        command.SetHandler(async (_, context, cancellationToken) =>
        {
            // A running node rebuilds under its own apply lock (the CLI's lock would not cover the node's process).
            (int Lists, string Before, string After) result;
            try
            {
                using var api = new NodeApiClient(context.Folder);
                var (status, body) = await api.PostJsonAsync("api/aeo/rebuild", new { }, cancellationToken);
                if (status != 200)
                {
                    throw new CheckFailedException("refused: " + NodeApiClient.Reason(status, body));
                }

                result = (body.GetProperty("lists").GetInt32(), body.GetProperty("before").GetString()!, body.GetProperty("after").GetString()!);
            }
            catch (NodeNotReachableException)
            {
                var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
                var registry = new SqliteAeoRegistry(context.Folder.Database);
                await registry.InitializeAsync(cancellationToken);
                using var updater = new AeoRegistryUpdater(registry, store, Configuration.PartnerDirectory.Load(context.Folder), Audit.Replayer.AllBindings());
                var (before, after, lists) = await updater.RebuildAsync(cancellationToken);
                result = (lists, before, after);
            }

            var (count, stateBefore, stateAfter) = result;
            if (context.Json)
            {
                context.WriteJson(new { lists = count, before = stateBefore, after = stateAfter, same = stateBefore == stateAfter });
            }
            else
            {
                context.Out.WriteLine($"re-applied {count} list(s) from the log");
                context.Out.WriteLine($"before: {stateBefore}");
                context.Out.WriteLine($"after:  {stateAfter}");
                context.Out.WriteLine(stateBefore == stateAfter ? "same state" : "the registry differed from the log and has been rebuilt");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Print(CliContext context, AeoAnswer answer)
    {
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(answer, BackendApi.Json));
            return;
        }

        context.Out.WriteLine($"{answer.Country} {answer.Query} on {answer.Date:yyyy-MM-dd}: {(answer.Valid ? "VALID" : "NOT VALID")} ({answer.Status}): {answer.Reason}");
        if (answer.Record is { } r)
        {
            context.Out.WriteLine($"  {r.LegalName}{(r.LegalNameLatin is null ? "" : $" ({r.LegalNameLatin})")}, certified {r.ValidFrom:yyyy-MM-dd}..{r.ValidTo?.ToString("yyyy-MM-dd") ?? "open"}");
        }

        if (answer.Provenance is { } p)
        {
            var where = p.LogIndex is null ? "" : $", message {p.MessageId}, log index {p.LogIndex}";
            context.Out.WriteLine(p.Source == "live"
                ? $"  live answer from {answer.Country}{where}"
                : $"  from {p.ListKind} list {p.ListId} (as of {p.ListAsOf:yyyy-MM-dd}){where}");
            context.Out.WriteLine($"  signed by {p.SignedBy ?? "(unknown)"}; received {p.Received:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }
    }
}
