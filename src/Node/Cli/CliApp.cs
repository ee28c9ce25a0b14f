using System.CommandLine;
using System.Text.Json;
using N2N.Node.Configuration;
using N2N.Trust;

namespace N2N.Node.Cli;

/// <summary>Exit codes of every verb.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A check failed: bad signature, refused document, tampered log, AEO not valid.</summary>
    public const int CheckFailed = 1;
    /// <summary>Usage or configuration error.</summary>
    public const int Usage = 2;
}

/// <summary>What every verb gets: where the data is, how to print.</summary>
internal sealed record CliContext(DataFolder Folder, bool Json, TextWriter Out, TextWriter Error)
{
    public void WriteJson(object value) => Out.WriteLine(JsonSerializer.Serialize(value, Api.BackendApi.Json));
}

/// <summary>A check that failed (exit 1), as opposed to a usage error (exit 2).</summary>
internal class CheckFailedException(string message) : Exception(message);

/// <summary>The node's backend API did not answer at all (not running, wrong port): some verbs can then work on the data folder directly.</summary>
internal sealed class NodeNotReachableException(string message) : CheckFailedException(message);

/// <summary>The <c>n2n</c> command line: one entry point for the node and its tools.</summary>
public static class CliApp
{
    internal static readonly Option<string> DataOption = new("--data")
    {
        Description = "The node's data folder (env N2N_DATA; default ./n2n-data)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("N2N_DATA") is { Length: > 0 } env ? env : "n2n-data",
    };

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Machine-readable output", Recursive = true };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("N2N Node: a country's signed, audited exchange node for customs and trade documents");
        root.Options.Add(DataOption);
        root.Options.Add(JsonOption);
        var serve = NodeCommands.Serve(root);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(NodeCommands.Init());
        root.Subcommands.Add(PartnerCommands.Create());
        root.Subcommands.Add(SendCommand.Create());
        root.Subcommands.Add(LogCommands.Create());
        root.Subcommands.Add(OutboxCommands.Create());
        root.Subcommands.Add(AeoCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(ReceiptCommands.Create());
        root.Subcommands.Add(ReceiptCommands.Resend());
        root.Subcommands.Add(KeyCommands.Keys());
        root.Subcommands.Add(Demo.DemoCommand.Create());
        root.Subcommands.Add(Bench.AuditBench.Create());
        root.Action = serve.Action;

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync("n2n: " + error.Message);
            }

            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (ConfigurationException e)
        {
            await stderr.WriteLineAsync("n2n: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (CheckFailedException e)
        {
            await stderr.WriteLineAsync("n2n: " + e.Message);
            return ExitCodes.CheckFailed;
        }
        catch (TrustException e)
        {
            await stderr.WriteLineAsync($"n2n: {e.ReasonCode}: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync("n2n: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // An HTTP timeout surfaces as a cancellation; the user did not cancel, so it is a failed check.
            await stderr.WriteLineAsync("n2n: timed out waiting for the node or a partner");
            return ExitCodes.CheckFailed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong, the user gets one line, not a stack trace.
            await stderr.WriteLineAsync($"n2n: {e.GetType().Name}: {e.Message}");
            return ExitCodes.CheckFailed;
        }
    }

    /// <summary>Wraps a verb so it gets its context and its exceptions reach <see cref="RunAsync"/>.</summary>
    internal static void SetHandler(this Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> handler) =>
        command.SetAction((parse, cancellationToken) =>
        {
            var config = parse.InvocationConfiguration;
            var context = new CliContext(new DataFolder(parse.GetValue(DataOption)!), parse.GetValue(JsonOption), config.Output, config.Error);
            return handler(parse, context, cancellationToken);
        });
}
