using System.CommandLine;
using N2N.Node.Configuration;

namespace N2N.Node.Cli;

/// <summary><c>partners list | add FILE | show XX</c>.</summary>
internal static class PartnerCommands
{
    public static Command Create()
    {
        var command = new Command("partners", "Manage partner profiles");

        var list = new Command("list", "List configured partners");
        list.SetHandler((_, context, _) =>
        {
            var partners = PartnerDirectory.Load(context.Folder).All.OrderBy(p => p.Country, StringComparer.Ordinal).ToList();
            if (context.Json)
            {
                context.WriteJson(partners.Select(p => Summary(p.Profile)));
            }
            else
            {
                foreach (var p in partners)
                {
                    context.Out.WriteLine($"{p.Country}  {p.Profile.Transport.ToString().ToLowerInvariant(),-4}  {p.Profile.Endpoints.Soap}  documents: {string.Join(", ", p.Profile.Documents.Keys)}");
                }

                if (partners.Count == 0)
                {
                    context.Out.WriteLine("no partners: add one with 'n2n partners add profile.json'");
                }
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        var file = new Argument<string>("file") { Description = "A partner's exported profile.json" };
        var add = new Command("add", "Import a partner's profile (pins its certificate)") { file };
        add.SetHandler((parse, context, _) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"profile file not found: {path}");
            }

            var profile = PartnerDirectory.Import(context.Folder, context.Folder.LoadConfig(), path);
            if (context.Json)
            {
                context.WriteJson(Summary(profile));
            }
            else
            {
                context.Out.WriteLine($"added partner {profile.Country} ({profile.Transport.ToString().ToLowerInvariant()}, {profile.Certificates.Count} pinned certificate(s), documents: {string.Join(", ", profile.Documents.Select(d => $"{d.Key} as {d.Value.Adapter}"))})");
                context.Out.WriteLine("restart the node to load it");
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        var country = new Argument<string>("country") { Description = "Partner country code, e.g. CN" };
        var show = new Command("show", "Show one partner's profile") { country };
        show.SetHandler((parse, context, _) =>
        {
            var partner = PartnerDirectory.Load(context.Folder).Find(parse.GetValue(country)!)
                ?? throw new ConfigurationException($"no partner '{parse.GetValue(country)}' is configured");
            if (context.Json)
            {
                context.WriteJson(partner.Profile);
            }
            else
            {
                var p = partner.Profile;
                context.Out.WriteLine($"partner {p.Country}: transport {p.Transport.ToString().ToLowerInvariant()}, SOAP {p.Endpoints.Soap}, gRPC {p.Endpoints.Grpc}");
                foreach (var pin in partner.Trust.Pins)
                {
                    context.Out.WriteLine($"  pinned {pin.Certificate.Subject}  SHA-256 {pin.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}  trusted {pin.ValidFrom:yyyy-MM-dd}..{pin.ValidTo:yyyy-MM-dd}");
                }

                foreach (var (type, route) in p.Documents)
                {
                    context.Out.WriteLine($"  {type} travels as {route.Adapter}");
                }
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(show);
        command.Subcommands.Add(KeyCommands.PartnerRotate());
        return command;
    }

    private static object Summary(PartnerProfile p) => new
    {
        country = p.Country,
        transport = p.Transport.ToString().ToLowerInvariant(),
        endpoints = p.Endpoints,
        certificates = p.Certificates.Count,
        documents = p.Documents,
    };
}
