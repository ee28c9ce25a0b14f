using System.CommandLine;
using System.Globalization;
using N2N.Node.Configuration;

namespace N2N.Node.Cli;

/// <summary><c>keys rotate</c> and <c>partners rotate</c>: key rotation with an overlap window.</summary>
internal static class KeyCommands
{
    public static Option<string> OverlapOption() => new("--overlap")
    {
        Description = "How long the old certificate stays trusted for new signatures: 30d, 12h, 90m or 0",
        DefaultValueFactory = _ => "30d",
    };

    public static Command Keys()
    {
        var overlap = OverlapOption();
        var rotate = new Command("rotate", "Generate a new signing key; the old certificate stays in profile.json for verification") { overlap };
        rotate.SetHandler((parse, context, _) =>
        {
            var window = ParseOverlap(parse.GetValue(overlap)!);
            var profile = NodeSetup.RotateKeys(context.Folder, context.Folder.LoadConfig(), TimeProvider.System.GetUtcNow(), window);
            if (context.Json)
            {
                context.WriteJson(new { certificates = profile.Certificates.Select(c => new { c.ValidFrom, c.ValidTo }), profile = context.Folder.ProfileFile });
            }
            else
            {
                context.Out.WriteLine($"new signing key in place; the previous certificate stays trusted until {DateTimeOffset.UtcNow + window:yyyy-MM-dd HH:mm}Z");
                context.Out.WriteLine($"give partners {context.Folder.ProfileFile} (n2n partners add) or the new certificate (n2n partners rotate); restart the node to sign with the new key");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        var command = new Command("keys", "This node's signing keys");
        command.Subcommands.Add(rotate);
        return command;
    }

    public static Command PartnerRotate()
    {
        var country = new Argument<string>("country") { Description = "Partner country code" };
        var cert = new Option<string>("--cert") { Description = "The partner's new certificate (PEM)", Required = true };
        var overlap = OverlapOption();
        var rotate = new Command("rotate", "Pin a partner's new certificate; the old one stays for verifying old messages") { country, cert, overlap };
        rotate.SetHandler((parse, context, _) =>
        {
            var file = parse.GetValue(cert)!;
            if (!File.Exists(file))
            {
                throw new ConfigurationException($"certificate file not found: {file}");
            }

            var window = ParseOverlap(parse.GetValue(overlap)!);
            var profile = PartnerDirectory.Rotate(context.Folder, parse.GetValue(country)!, File.ReadAllText(file), TimeProvider.System.GetUtcNow(), window);
            context.Out.WriteLine($"{profile.Country}: {profile.Certificates.Count} certificates pinned; the previous ones stay trusted for new signatures until {DateTimeOffset.UtcNow + window:yyyy-MM-dd HH:mm}Z. Restart the node to load it.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return rotate;
    }

    internal static TimeSpan ParseOverlap(string text)
    {
        text = text.Trim();
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            switch (text[^1])
            {
                case 'd': return TimeSpan.FromDays(value);
                case 'h': return TimeSpan.FromHours(value);
                case 'm': return TimeSpan.FromMinutes(value);
            }
        }

        throw new ConfigurationException($"--overlap '{text}' is not a duration like 30d, 12h, 90m or 0");
    }
}
