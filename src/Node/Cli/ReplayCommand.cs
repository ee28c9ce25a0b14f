using System.CommandLine;
using System.Globalization;
using N2N.Node.Audit;
using N2N.Node.Configuration;

namespace N2N.Node.Cli;

/// <summary><c>replay ID</c> / <c>replay --all [--partner XX] [--from D] [--to D] [--with-current]</c>.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("message-id") { Description = "Replay one message (else use --all)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Replay every entry (optionally filtered)" };
        var partner = new Option<string?>("--partner") { Description = "Only this partner's entries" };
        var from = new Option<string?>("--from") { Description = "Only entries on or after this date (yyyy-MM-dd)" };
        var to = new Option<string?>("--to") { Description = "Only entries on or before this date (yyyy-MM-dd)" };
        var withCurrent = new Option<bool>("--with-current") { Description = "Run today's agreed adapter instead of the recorded one: what a migration would change" };
        var command = new Command("replay", "Re-verify stored messages as of their time and re-run their recorded adapter. Exit 1 if any differs or no longer verifies.")
        {
            id, all, partner, from, to, withCurrent,
        };
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            var messageId = parse.GetValue(id);
            if (messageId is null == !parse.GetValue(all))
            {
                throw new ConfigurationException("give one message id, or --all");
            }

            var (fromDate, toDate) = (Date(parse.GetValue(from), "--from"), Date(parse.GetValue(to), "--to"));
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            var replayer = Replayer.ForDataFolder(context.Folder);

            var results = new List<ReplayResult>();
            if (messageId is not null)
            {
                var entries = await store.FindByMessageIdAsync(messageId.Replace("urn:uuid:", "", StringComparison.OrdinalIgnoreCase), cancellationToken);
                if (entries.Count == 0)
                {
                    throw new CheckFailedException($"no log entry for message {messageId}");
                }

                results.AddRange(entries.Select(e => replayer.Replay(e, parse.GetValue(withCurrent))));
            }
            else
            {
                var only = parse.GetValue(partner)?.ToUpperInvariant();
                await foreach (var entry in store.ReadAllAsync(cancellationToken))
                {
                    var day = DateOnly.FromDateTime(entry.Draft.Time.UtcDateTime);
                    if ((only is null || entry.Draft.Partner == only) && (fromDate is null || day >= fromDate) && (toDate is null || day <= toDate))
                    {
                        results.Add(replayer.Replay(entry, parse.GetValue(withCurrent)));
                    }
                }
            }

            var failed = results.Where(r => r.Outcome is ReplayOutcome.Different or ReplayOutcome.Unverifiable).ToList();
            if (context.Json)
            {
                context.WriteJson(new
                {
                    replayed = results.Count,
                    identical = results.Count(r => r.Outcome == ReplayOutcome.Identical),
                    different = results.Count(r => r.Outcome == ReplayOutcome.Different),
                    unverifiable = results.Count(r => r.Outcome == ReplayOutcome.Unverifiable),
                    skipped = results.Count(r => r.Outcome == ReplayOutcome.Skipped),
                    results = messageId is not null ? results : failed,
                });
            }
            else
            {
                foreach (var r in messageId is not null ? results : failed)
                {
                    context.Out.WriteLine($"{r.Index,6}  {r.MessageId}  {r.Outcome.ToString().ToLowerInvariant()}: {r.Detail}");
                    foreach (var difference in r.Differences)
                    {
                        context.Out.WriteLine("          " + difference);
                    }
                }

                context.Out.WriteLine($"replayed {results.Count}: {results.Count(r => r.Outcome == ReplayOutcome.Identical)} identical, " +
                    $"{results.Count(r => r.Outcome == ReplayOutcome.Different)} different, {results.Count(r => r.Outcome == ReplayOutcome.Unverifiable)} unverifiable, " +
                    $"{results.Count(r => r.Outcome == ReplayOutcome.Skipped)} skipped (refused before translation)");
            }

            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new ConfigurationException($"{option} '{text}' is not yyyy-MM-dd");
}
