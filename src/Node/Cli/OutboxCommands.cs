using System.CommandLine;
using N2N.Node.Delivery;

namespace N2N.Node.Cli;

/// <summary><c>outbox list [--state S]</c> and <c>outbox retry ID</c>.</summary>
internal static class OutboxCommands
{
    public static Command Create()
    {
        var state = new Option<string?>("--state") { Description = "queued, sending, delivered, rejected or dead" };
        state.AcceptOnlyFromAmong("queued", "sending", "delivered", "rejected", "dead");
        var list = new Command("list", "Outbound messages and where they are") { state };
        list.SetHandler(async (parse, context, cancellationToken) =>
        {
            var store = await LogCommands.OpenAsync(context.Folder, cancellationToken);
            OutboxState? filter = parse.GetValue(state) is { } s ? Enum.Parse<OutboxState>(s, ignoreCase: true) : null;
            var messages = await store.ListOutboxAsync(filter, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(messages.Select(Api.BackendApi.Describe));
            }
            else
            {
                foreach (var m in messages)
                {
                    context.Out.WriteLine($"{m.MessageId}  {m.Partner}  {m.DocumentType,-16}  {m.State.ToString().ToLowerInvariant(),-9}  attempts {m.Attempts}  {m.Created:yyyy-MM-dd HH:mm:ss}  {m.LastError}");
                }

                context.Out.WriteLine($"{messages.Count} message(s)");
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<Guid>("message-id") { Description = "A dead-lettered message" };
        var retry = new Command("retry", "Give a dead-lettered message a fresh attempt budget and queue it again") { id };
        retry.SetHandler(async (parse, context, cancellationToken) =>
        {
            using var api = new NodeApiClient(context.Folder);
            var (status, body) = await api.PostJsonAsync($"api/outbox/{parse.GetValue(id)}/retry", new { }, cancellationToken);
            if (status != 202)
            {
                throw new CheckFailedException("refused: " + NodeApiClient.Reason(status, body));
            }

            context.Out.WriteLine(context.Json ? body.ToString() : $"message {parse.GetValue(id)} queued again");
            return ExitCodes.Ok;
        });

        var command = new Command("outbox", "Outbound queue: states and dead letters");
        command.Subcommands.Add(list);
        command.Subcommands.Add(retry);
        return command;
    }
}
