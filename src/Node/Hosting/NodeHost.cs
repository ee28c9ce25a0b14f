using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using N2N.Adapters;
using N2N.Node.Api;
using N2N.Node.Configuration;
using N2N.Node.Delivery;
using N2N.Node.Exchange;
using N2N.Node.Log;
using N2N.Node.Registry;
using N2N.Node.Transport;
using N2N.Node.Transport.Grpc;
using N2N.Node.Transport.Soap;
using N2N.Trust.Keys;
using N2N.Trust.WsSecurity;

namespace N2N.Node.Hosting;

/// <summary>Options for hosting a node in-process (the CLI's serve, tests, demo).</summary>
public sealed record NodeHostOptions
{
    /// <summary>The clock; tests substitute a fake one. <value>The default value is the system clock.</value></summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary><value>The default value is Information.</value></summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;
}

/// <summary>Builds the ASP.NET Core host of one node from its data folder.</summary>
public static class NodeHost
{
    public static async Task<WebApplication> BuildAsync(string dataDirectory, NodeHostOptions? options, CancellationToken cancellationToken)
    {
        options ??= new NodeHostOptions();
        var folder = new DataFolder(dataDirectory);
        var config = folder.LoadConfig();
        var credential = KeyFiles.Load(folder.Resolve(config.CertificateFile), config.KeyFile is null ? null : folder.Resolve(config.KeyFile), config.KeyPassword);
        var partners = PartnerDirectory.Load(folder);
        var tls = config.Tls is { } tlsSettings ? NodeSetup.LoadTls(folder, tlsSettings) : null;

        // The node's settings are node.json and the partner profiles, read above. The host's own appsettings reload
        // watched the content root, which is the data folder: every log write woke a file watcher (2 % of the CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder.Root, Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The SOAP endpoint reads at most maxMessageBytes itself and answers TOO_LARGE (logged); Kestrel's own
            // limit would answer first, with an empty 413 and no log entry.
            kestrel.Limits.MaxRequestBodySize = null;
            // Cleartext HTTP/2 cannot be negotiated, so without TLS the SOAP port is HTTP/1.1 and gRPC is HTTP/2 only.
            Listen(kestrel, config.SoapUrl, tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2, tls);
            Listen(kestrel, config.GrpcUrl, HttpProtocols.Http2, tls);
        });
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Hangfire", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(folder);
        services.AddSingleton(config);
        services.AddSingleton(credential);
        services.AddSingleton(partners);
        services.AddSingleton(options.Time);
        services.AddSingleton(AdapterCatalog.CreateBuiltIn());
        services.AddSingleton(new XmlLimits(MaxBytes: config.MaxMessageBytes));
        services.AddSingleton<SoapBinding>();
        services.AddSingleton<GrpcBinding>();
        services.AddSingleton<IMessageBinding>(sp => sp.GetRequiredService<SoapBinding>());
        services.AddSingleton<IMessageBinding>(sp => sp.GetRequiredService<GrpcBinding>());
        services.AddSingleton<IAeoRegistry>(new SqliteAeoRegistry(folder.Database));
        services.AddSingleton<AeoRegistryUpdater>();
        services.AddSingleton<IInboundHandler>(sp => sp.GetRequiredService<AeoRegistryUpdater>());
        services.AddSingleton<IQueryHandler, AeoQueryHandler>();
        services.AddSingleton<AeoLiveQuery>();
        services.AddSingleton<Audit.ProofService>();
        services.AddSingleton<Resender>();
        services.AddSingleton(new PartnerConnections(tls, () => partners.All));
        services.AddSingleton<IPartnerChannel, SoapChannel>();
        services.AddSingleton<IPartnerChannel, GrpcChannelPool>();
        services.AddHttpClient(SoapChannel.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<PartnerConnections>().CreateHandler());
        // Twice the limit, so an oversize envelope still reaches the pipeline and is refused (and logged) as TOO_LARGE.
        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = config.MaxMessageBytes * 2);
        services.AddSingleton<TreeHeadSigner>();
        services.AddSingleton<IExchangeStore>(sp => new SqliteExchangeStore(folder.Database, sp.GetRequiredService<TreeHeadSigner>()));
        services.AddSingleton<ExchangePipeline>();
        services.AddSingleton<PartnerRateLimiter>();
        services.AddSingleton<Outbox>();
        services.AddTransient<DeliveryJob>();
        var jobStorage = DeliveryWorker.CreateStorage(folder.JobsDatabase);
        services.AddSingleton(jobStorage);
        services.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(jobStorage));
        services.AddHostedService<DeliveryWorker>();
        services.AddSingleton<ImmediateDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<ImmediateDelivery>());
        services.AddSingleton<PartnerGate>();
        // The dashboard needs Hangfire's configuration objects; registered directly so no process-wide storage is set.
        services.AddSingleton<IGlobalConfiguration>(GlobalConfiguration.Configuration);
        services.AddSingleton(Hangfire.Dashboard.DashboardRoutes.Routes);

        var app = builder.Build();
        await app.Services.GetRequiredService<IExchangeStore>().InitializeAsync(cancellationToken);
        await app.Services.GetRequiredService<IAeoRegistry>().InitializeAsync(cancellationToken);
        // A crash between a log commit and the registry update leaves lists unapplied: apply them now, in log order.
        await app.Services.GetRequiredService<AeoRegistryUpdater>().CatchUpAsync(cancellationToken);
        app.MapSoapExchange();
        app.MapGrpcService<ExchangeService>();
        app.MapBackendApi();
        app.MapGet("/health", () => Results.Ok(new { node = config.NodeId, status = "serving" }));
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAuthorization(config.DashboardUser, config.DashboardPassword)],
            DisplayStorageConnectionString = false,
        }, jobStorage);
        await app.Services.GetRequiredService<Outbox>().ResumeAsync(cancellationToken);
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, NodeCredential? tls)
    {
        var uri = new Uri(url);
        Action<ListenOptions> configure = listen =>
        {
            listen.Protocols = protocols;
            if (tls is not null)
            {
                listen.UseHttps(tls.Certificate, https =>
                {
                    // Requested, not required, at the TLS layer: the backend API on the same port has its own key, and
                    // a partner's certificate is judged against that partner's pins in the pipeline (and logged).
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        };
        if (IPAddress.TryParse(uri.Host, out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else if (uri.IsLoopback)
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
    }
}
