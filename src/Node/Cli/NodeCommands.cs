using System.CommandLine;
using N2N.Node.Configuration;
using N2N.Node.Hosting;
using N2N.Trust.Keys;

namespace N2N.Node.Cli;

/// <summary><c>init</c> and <c>serve</c>.</summary>
internal static class NodeCommands
{
    private const string DefaultNode = "TW";
    private const string DefaultSoapUrl = "http://127.0.0.1:7101";
    private const string DefaultGrpcUrl = "http://127.0.0.1:7102";

    private static Option<string> NodeOption(bool required) => new("--node") { Description = "ISO 3166-1 alpha-2 code of this node", Required = required, DefaultValueFactory = required ? null! : _ => DefaultNode };

    private static Option<string> SoapUrlOption() => new("--soap-url") { Description = "Base URL of the SOAP endpoints and backend API", DefaultValueFactory = _ => DefaultSoapUrl };

    private static Option<string> GrpcUrlOption() => new("--grpc-url") { Description = "Base URL of the gRPC endpoint", DefaultValueFactory = _ => DefaultGrpcUrl };

    public static Command Init()
    {
        var node = NodeOption(required: true);
        var soap = SoapUrlOption();
        var grpc = GrpcUrlOption();
        var key = new Option<string>("--key") { Description = "Key type: ecdsa (P-256, default) or rsa (3072)", DefaultValueFactory = _ => "ecdsa" };
        key.AcceptOnlyFromAmong("ecdsa", "rsa");
        var force = new Option<bool>("--force") { Description = "Replace an existing node's keys and configuration" };
        var tls = new Option<bool>("--tls") { Description = "Serve HTTPS with a dev TLS certificate and require partners' pinned client certificates (URLs must be https)" };
        var command = new Command("init", "Create keys, certificate and configuration; export profile.json for partners") { node, soap, grpc, key, force, tls };
        command.SetHandler((parse, context, _) =>
        {
            var kind = parse.GetValue(key) == "rsa" ? KeyKind.Rsa3072 : KeyKind.EcdsaP256;
            var config = NodeSetup.Initialize(context.Folder, parse.GetValue(node)!, parse.GetValue(soap)!, parse.GetValue(grpc)!, kind, TimeProvider.System.GetUtcNow(), parse.GetValue(force), parse.GetValue(tls));
            if (context.Json)
            {
                context.WriteJson(new { node = config.NodeId, data = context.Folder.Root, profile = context.Folder.ProfileFile, soapUrl = config.SoapUrl, grpcUrl = config.GrpcUrl });
            }
            else
            {
                context.Out.WriteLine($"initialized node {config.NodeId} in {context.Folder.Root}");
                context.Out.WriteLine($"  keys:    {context.Folder.Resolve(config.CertificateFile)} ({(kind == KeyKind.Rsa3072 ? "RSA 3072" : "ECDSA P-256")}, self-signed dev certificate)");
                context.Out.WriteLine($"  profile: {context.Folder.ProfileFile}  (give this to partners: n2n partners add profile.json)");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>The serve verb; its options are also given to the root command, so a bare <c>n2n</c> serves.</summary>
    public static Command Serve(Command root)
    {
        var node = NodeOption(required: false);
        var soap = SoapUrlOption();
        var grpc = GrpcUrlOption();
        var command = new Command("serve", "Run the node (default verb). A new data folder gets dev keys on first run.") { node, soap, grpc };
        root.Options.Add(node);
        root.Options.Add(soap);
        root.Options.Add(grpc);
        command.SetHandler(async (parse, context, cancellationToken) =>
        {
            if (!context.Folder.IsInitialized)
            {
                var created = NodeSetup.Initialize(context.Folder, parse.GetValue(node)!, parse.GetValue(soap)!, parse.GetValue(grpc)!, KeyKind.EcdsaP256, TimeProvider.System.GetUtcNow());
                context.Out.WriteLine($"first run: initialized dev node {created.NodeId} in {context.Folder.Root} (profile: {context.Folder.ProfileFile})");
            }

            await using var app = await NodeHost.BuildAsync(context.Folder.Root, null, cancellationToken);
            await app.StartAsync(cancellationToken);
            var config = context.Folder.LoadConfig();
            context.Out.WriteLine($"node {config.NodeId} serving SOAP and API at {config.SoapUrl} (data {context.Folder.Root}); Ctrl+C stops");
            await context.Out.FlushAsync(cancellationToken);
            try
            {
                await app.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        });
        return command;
    }
}
