using System.CommandLine;
using System.Text.Json.Nodes;
using N2N.Node.Configuration;
using N2N.Node.Log;
using N2N.Trust.Keys;

namespace N2N.Node.Cli;

/// <summary><c>log list</c> and <c>log show ID [--raw]</c>: browse the exchange log.</summary>
internal static class LogCommands
{
    public static Command Create()
    {
        var command = new Command("log", "Browse the exchange log");

        var partner = new Option<string?>("--partner") { Description = "Only entries with this partner" };
        var from = new Option<long>("--from") { Description = "First log index", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "Most entries to list", DefaultValueFactory = _ => 1000 };
        var list = new Command("list", "List log entries") { partner, from, limit };
        list.SetHandler(async (parse, context, cancellationToken) =>
        {
            var store = await OpenAsync(context.Folder, cancellationToken);
            var entries = await store.ListAsync(new LogQuery(parse.GetValue(from), parse.GetValue(limit), null, parse.GetValue(partner)), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(entries.Select(Describe));
            }
            else
            {
                foreach (var e in entries)
                {
                    var d = e.Draft;
                    context.Out.WriteLine($"{e.Index,6}  {d.Time:yyyy-MM-dd HH:mm:ss}  {d.Direction.ToString().ToLowerInvariant(),-3}  {d.Partner}  {d.Transport,-4}  {d.DocumentType ?? "-",-16}  {d.Verdict,-8}  {d.ReasonCode ?? ""}  {d.MessageId}");
                }
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<string>("message-id") { Description = "Message id (UUID)" };
        var raw = new Option<bool>("--raw") { Description = "Write the exact bytes as received or sent" };
        var show = new Command("show", "Show one message's log entry") { id, raw };
        show.SetHandler(async (parse, context, cancellationToken) =>
        {
            var store = await OpenAsync(context.Folder, cancellationToken);
            var messageId = parse.GetValue(id)!.Trim();
            if (messageId.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase))
            {
                messageId = messageId[9..];
            }

            var entries = await store.FindByMessageIdAsync(messageId, cancellationToken);
            // A message may appear twice (a refused duplicate); the accepted entry is the one that counts.
            var entry = entries.FirstOrDefault(e => e.Draft.Verdict == Verdict.Accepted) ?? entries.FirstOrDefault()
                ?? throw new CheckFailedException($"no log entry for message {messageId}");
            if (parse.GetValue(raw))
            {
                await using var stdout = Console.OpenStandardOutput();
                await context.Out.FlushAsync(cancellationToken);
                await stdout.WriteAsync(entry.Draft.Raw, cancellationToken);
            }
            else if (context.Json)
            {
                context.WriteJson(Describe(entry));
            }
            else
            {
                foreach (var (key, value) in (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Describe(entry), Api.BackendApi.Json))!)
                {
                    context.Out.WriteLine($"{key}: {value?.ToJsonString()}");
                }
            }

            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        return command;
    }

    internal static async Task<IExchangeStore> OpenAsync(DataFolder folder, CancellationToken cancellationToken)
    {
        var config = folder.LoadConfig();
        var credential = KeyFiles.Load(folder.Resolve(config.CertificateFile), config.KeyFile is null ? null : folder.Resolve(config.KeyFile), config.KeyPassword);
        var store = new SqliteExchangeStore(folder.Database, new TreeHeadSigner(credential));
        await store.InitializeAsync(cancellationToken);
        return store;
    }

    private static object Describe(LogEntry e) => new
    {
        index = e.Index,
        time = e.Draft.Time,
        direction = e.Draft.Direction.ToString().ToLowerInvariant(),
        partner = e.Draft.Partner,
        messageId = e.Draft.MessageId,
        relatedMessageId = e.Draft.RelatedMessageId,
        documentType = e.Draft.DocumentType,
        transport = e.Draft.Transport,
        verdict = e.Draft.Verdict.ToString(),
        reasonCode = e.Draft.ReasonCode,
        reasonDetail = e.Draft.ReasonDetail,
        adapter = e.Draft.AdapterId,
        rawSize = e.Draft.Raw.Length,
        canonicalHash = e.CanonicalHash.Length == 0 ? null : Convert.ToHexStringLower(e.CanonicalHash),
        leafHash = Convert.ToHexStringLower(e.LeafHash),
        canonical = e.Draft.CanonicalJson is null ? null : JsonNode.Parse(e.Draft.CanonicalJson),
    };
}
