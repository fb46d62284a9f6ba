using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Runnel.Security.Audit;
using Runnel.Security.Authentication;
using Runnel.Server.Audit;
using Runnel.Server.Hosting;
using Runnel.Server.Http;
using Runnel.Server.Network;
using Runnel.Server.Security;
using Runnel.Server.Tls;
using Runnel.Streams;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Metrics;
using Runnel.Streams.Storage;

namespace Runnel.Server;

/// <summary>
/// The Kinesis-compatible server: opens the <see cref="StreamEngine"/> on the data directory, serves it with Kestrel
/// on a plain port (HTTP/1.1 and h2c) and a TLS port (ALPN h2 and http/1.1), and runs maintenance every second.
/// </summary>
/// <remarks>
/// Lifecycle: <see cref="StartAsync"/> returns a listening server; <see cref="StopAsync"/> stops accepting, lets the
/// requests in flight finish (up to <see cref="TransportLimits.ShutdownTimeout"/>), stops maintenance and closes the
/// engine so every shard log is closed cleanly. <see cref="DisposeAsync"/> stops if needed. The owner handles
/// signals; the server installs no console handlers. Thread-safe: stop and dispose may race.
/// </remarks>
public sealed class RunnelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MaintenanceLoop _maintenance;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownTimeout;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private readonly ClientNetworkFilter _networks;
    private readonly PrometheusCollector _metrics;
    private bool _stopped;

    private RunnelServer(WebApplication app, StreamEngine engine, MaintenanceLoop maintenance, string dataDirectory,
        ServerCertificate? certificate, ILogger logger, TimeSpan shutdownTimeout, ClientNetworkFilter networks, AuditTrail? audit,
        PrometheusCollector metrics)
    {
        _metrics = metrics;
        _networks = networks;
        Audit = audit;
        _app = app;
        Engine = engine;
        _maintenance = maintenance;
        DataDirectory = dataDirectory;
        Certificate = certificate;
        _logger = logger;
        _shutdownTimeout = shutdownTimeout;
        IReadOnlyCollection<string> addresses = app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.ToArray();
        PlainEndpoint = addresses.Where(a => a.StartsWith("http://", StringComparison.Ordinal)).Select(a => new Uri(a)).FirstOrDefault();
        TlsEndpoint = addresses.Where(a => a.StartsWith("https://", StringComparison.Ordinal)).Select(a => new Uri(a)).FirstOrDefault();
        Endpoints = addresses.Select(a => new Uri(a)).ToArray();
    }

    /// <summary>Every endpoint as bound (one plain and one TLS endpoint per bind address).</summary>
    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>Connections refused by the client-network allow-list so far.</summary>
    public long RefusedConnections => _networks.Refused;

    /// <summary>The audit trail, or null when it is off.</summary>
    public AuditTrail? Audit { get; }

    /// <summary>The engine the server serves (for in-process callers such as tests and the harness).</summary>
    public StreamEngine Engine { get; }

    /// <summary>The plain endpoint as bound (the actual port when 0 was asked), or null with TLS only.</summary>
    public Uri? PlainEndpoint { get; }

    /// <summary>The TLS endpoint as bound, or null without TLS.</summary>
    public Uri? TlsEndpoint { get; }

    /// <summary>The absolute data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The TLS certificate and its files, or null without TLS.</summary>
    public ServerCertificate? Certificate { get; }

    /// <summary>Opens the engine, creates the initial streams, and starts listening.</summary>
    public static async Task<RunnelServer> StartAsync(RunnelServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        ServerCertificate? certificate = options.TlsPort is null ? null : CertificateStore.Load(options, dataDirectory, TimeProvider.System);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Runnel",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // ASP.NET's per-request information logs are noise at the default level.
        builder.Logging.AddFilter("Microsoft", options.LogLevel > LogLevel.Warning ? options.LogLevel : LogLevel.Warning);
        // Kestrel warns at start that a cleartext Http1AndHttp2 endpoint "will use HTTP/1.1": PrefaceSniffer makes
        // that untrue, so its warnings are shown only when debugging.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", options.LogLevel <= LogLevel.Debug ? options.LogLevel : LogLevel.Error);
        builder.Services.AddSingleton<IHostLifetime, ExternalLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Limits.ShutdownTimeout);
        var networks = new ClientNetworkFilter(options.AllowedNetworks);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelSetup.Configure(kestrel, options, certificate, networks));

        // A shard log that fail-stops is logged once, naming the file (the logger exists once the app is built).
        ILogger? failureLogger = null;
        Action<StorageFailure>? storageFailed = options.Streams.StorageFailed;
        StreamsOptions streams = options.Streams with
        {
            StorageFailed = failure =>
            {
                if (failureLogger is { } log)
                {
                    string file = Path.Combine(dataDirectory, failure.Directory, failure.FileName ?? "");
                    ServerLog.StorageFailed(log, failure.Exception, file, failure.Exception.InnerException?.Message ?? failure.Exception.Message, failure.ShardId, failure.StreamName);
                }
                storageFailed?.Invoke(failure);
            },
        };
        var storage = new FileStreamStorage(dataDirectory, options.DeviceFactory);
        KeyService keys = KeyService.Open(storage.KeysDirectory, options.KeyPassphrase, options.Streams.Region, options.Streams.AccountId);
        StreamEngine engine = StreamEngine.Open(streams, storage, keys: keys);
        WebApplication? app = null;
        AuditTrail? audit = null;
        var metrics = new PrometheusCollector(engine.Metrics); // from the start, so /metrics counts every call
        try
        {
            app = builder.Build();
            ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Runnel.Server");
            failureLogger = logger;
            networks.Logger = logger;
            audit = OpenAuditTrail(options, dataDirectory, logger);
            await CreateInitialStreamsAsync(engine, options.InitialStreams, logger, cancellationToken).ConfigureAwait(false);
            AuditRecorder? recorder = audit is null ? null : new AuditRecorder(audit, options.Streams.Region, options.Streams.AccountId);
            var handler = new KinesisHttpHandler(engine, logger, options.Limits.MaxRequestBodyBytes, app.Lifetime.ApplicationStopping)
            {
                Audit = recorder,
                Verifier = SigV4Authorization.CreateVerifier(options, TimeProvider.System),
                Authorizer = options.Authentication == AuthenticationMode.SigV4 ? new RequestAuthorizer(engine) : null,
                Metrics = metrics,
            };
            app.Run(handler.InvokeAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var maintenance = new MaintenanceLoop(engine, options.MaintenanceInterval, TimeProvider.System, logger);
            return new RunnelServer(app, engine, maintenance, dataDirectory, certificate, logger, options.Limits.ShutdownTimeout, networks, audit, metrics);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            if (audit is not null)
            {
                await audit.DisposeAsync().ConfigureAwait(false);
            }
            metrics.Dispose();
            engine.Dispose();
            certificate?.Certificate.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting, finishes the requests in flight, stops maintenance and closes the engine. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            ServerLog.Stopping(_logger, _shutdownTimeout);
            try
            {
                await _app.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _maintenance.DisposeAsync().ConfigureAwait(false);
                await _app.DisposeAsync().ConfigureAwait(false);
                if (Audit is not null)
                {
                    await Audit.DisposeAsync().ConfigureAwait(false); // every call's record written and synced
                }
                _metrics.Dispose();
                Engine.Dispose();
                Certificate?.Certificate.Dispose();
            }
            ServerLog.Stopped(_logger);
        }
        finally
        {
            _stopGate.Release();
        }
    }

    /// <summary>Stops the server if it is running.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The audit trail in <c>--audit-dir</c> (default: <c>audit</c> in the data directory), or null when off.</summary>
    private static AuditTrail? OpenAuditTrail(RunnelServerOptions options, string dataDirectory, ILogger logger)
    {
        if (!options.AuditEnabled)
        {
            return null;
        }
        string directory = Path.GetFullPath(options.AuditDirectory ?? Path.Combine(dataDirectory, "audit"));
        var trail = new AuditTrail(StorageAuditFiles.InDirectory(directory), new AuditTrailOptions
        {
            MaxFileBytes = options.AuditMaxFileMegabytes * 1024L * 1024,
            KeepFiles = options.AuditKeepFiles,
            OnFailure = e => SecurityLog.AuditFailed(logger, e),
        });
        SecurityLog.AuditStarted(logger, directory);
        return trail;
    }

    private static async Task CreateInitialStreamsAsync(StreamEngine engine, IReadOnlyList<StreamSeed> streams, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (StreamSeed stream in streams)
        {
            while (true)
            {
                try
                {
                    engine.CreateStream(stream.Name, stream.ShardCount);
                    ServerLog.InitialStreamCreated(logger, stream.Name, stream.ShardCount);
                    break;
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.ResourceInUse)
                {
                    ServerLog.InitialStreamExists(logger, stream.Name);
                    break;
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.LimitExceeded)
                {
                    // CreateStream is rate-limited (5 per second) like AWS's; wait for the bucket to refill.
                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
