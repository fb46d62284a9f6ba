using System.CommandLine;
using System.Runtime.InteropServices;
using Runnel.Security.Authentication;
using Runnel.Server;
using Runnel.Storage.IoUring;
using Runnel.Streams.Encryption;

namespace Runnel.Cli;

/// <summary>
/// <c>runnel serve</c>: builds the settings (flags over RUNNEL_* environment variables over the <c>--config</c> JSON
/// file over defaults), starts <see cref="RunnelServer"/>, prints where it listens, and stops cleanly on Ctrl-C or
/// SIGTERM (stop accepting, finish requests in flight, close the engine).
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "a JSON config file (keys: the flag names in camelCase); also RUNNEL_CONFIG", HelpName = "FILE" };
        var port = new Option<int?>("--port") { Description = "plain port, HTTP/1.1 and h2c (default 4567; 0 = any free port)" };
        var tlsPort = new Option<int?>("--tls-port") { Description = "TLS port, ALPN h2 and http/1.1 (default 4568; 0 = any free port)" };
        var host = new Option<string[]>("--host") { Description = "address to bind: an IP, localhost, or * (default 127.0.0.1); repeat or comma-separate for several" };
        var data = new Option<string?>("--data") { Description = "data directory (default ./data, relative to where you run the command)", HelpName = "DIR" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "TLS certificate: .pfx/.p12, or PEM (default: generated in the data directory)", HelpName = "FILE" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert", HelpName = "FILE" };
        var tlsOnly = new Option<bool?>("--tls-only") { Description = "serve only the TLS port", Arity = ArgumentArity.ZeroOrOne };
        var region = new Option<string?>("--region") { Description = "region in ARNs (default us-east-1)" };
        var accountId = new Option<string?>("--account-id") { Description = "12-digit account id in ARNs (default 000000000000)" };
        var createMs = new Option<int?>("--create-stream-ms") { Description = "how long a new stream stays CREATING (default 500)", HelpName = "MS" };
        var deleteMs = new Option<int?>("--delete-stream-ms") { Description = "how long a deleted stream stays DELETING (default 500)", HelpName = "MS" };
        var updateMs = new Option<int?>("--update-stream-ms") { Description = "how long an update keeps a stream UPDATING (default 500)", HelpName = "MS" };
        var subscriptionLifetimeMs = new Option<int?>("--subscription-lifetime-ms") { Description = "how long a SubscribeToShard subscription lives (default 300000, as AWS)", HelpName = "MS" };
        var shardLimit = new Option<int?>("--shard-limit") { Description = "the account's shard limit (default 10000)" };
        var limits = new Option<string?>("--limits") { Description = "enforce Kinesis's throughput and rate limits (default on)", HelpName = "on|off" };
        limits.AcceptOnlyFromAmong("on", "off");
        var device = new Option<string?>("--device") { Description = "storage device (default auto: io_uring where usable)", HelpName = "auto|iouring|portable" };
        device.AcceptOnlyFromAmong("auto", "iouring", "portable");
        var commitLoops = new Option<int?>("--commit-loops") { Description = $"commit loops shared by all shard logs, each one write and one fdatasync barrier per round for all its logs (default {Environment.ProcessorCount}, one per core; 0 = a writer per shard log)", HelpName = "N" };
        var directIo = new Option<string?>("--direct-io") { Description = "open the shard logs' files with O_DIRECT: no page-cache copy on writes, reads go to the disk (io_uring device only; default off)", HelpName = "on|off" };
        directIo.AcceptOnlyFromAmong("on", "off");
        var initialStreams = new Option<string?>("--initial-streams") { Description = "streams to create at start if missing: name:shards,name2:shards", HelpName = "LIST" };
        var auth = new Option<string?>("--auth") { Description = "authentication: none (default, any credentials pass) or sigv4 (verify AWS signatures against --credentials)", HelpName = "none|sigv4" };
        auth.AcceptOnlyFromAmong("none", "sigv4");
        var credentials = new Option<string?>("--credentials") { Description = "the principals file for --auth sigv4 (access keys, secrets, ARNs, policies)", HelpName = "FILE" };
        var logLevel = new Option<string?>("--log-level") { Description = "trace, debug, info, warning, error (default info)", HelpName = "LEVEL" };
        Option<string?> keyPassphraseFile = KeysCommand.PassphraseFileOption();
        var allowNetwork = new Option<string[]>("--allow-network") { Description = "only clients in this network may connect (CIDR, IPv4 or IPv6); repeat for several (default: any)", HelpName = "CIDR" };
        var audit = new Option<bool?>("--audit") { Description = "write the audit trail: one CloudTrail-shaped JSON line per API call (default off)", Arity = ArgumentArity.ZeroOrOne };
        var auditDir = new Option<string?>("--audit-dir") { Description = "audit trail directory (default: audit in the data directory)", HelpName = "DIR" };
        var auditMaxFileMb = new Option<int?>("--audit-max-file-mb") { Description = "start a new audit file past this size (default 100)", HelpName = "MB" };
        var auditKeep = new Option<int?>("--audit-keep") { Description = "audit files kept, the newest (default 30)", HelpName = "N" };

        var command = new Command("serve", "Serve the Kinesis API (HTTP/1.1 and h2c on the plain port, h2 and HTTP/1.1 over TLS)")
        {
            config, port, tlsPort, host, data, tlsCert, tlsKey, tlsOnly, region, accountId, createMs, deleteMs, updateMs,
            subscriptionLifetimeMs, shardLimit, limits, device, commitLoops, directIo, initialStreams, logLevel, auth, credentials,
            keyPassphraseFile, allowNetwork, audit, auditDir, auditMaxFileMb, auditKeep,
        };
        command.SetAction(async (parse, _) =>
        {
            ServeSettings flags = new()
            {
                Port = parse.GetValue(port),
                TlsPort = parse.GetValue(tlsPort),
                Host = parse.GetValue(host) is { Length: > 0 } hosts ? string.Join(',', hosts) : null,
                Data = parse.GetValue(data),
                TlsCert = parse.GetValue(tlsCert),
                TlsKey = parse.GetValue(tlsKey),
                TlsOnly = parse.GetResult(tlsOnly) is null ? null : parse.GetValue(tlsOnly) ?? true,
                Region = parse.GetValue(region),
                AccountId = parse.GetValue(accountId),
                CreateStreamMs = parse.GetValue(createMs),
                DeleteStreamMs = parse.GetValue(deleteMs),
                UpdateStreamMs = parse.GetValue(updateMs),
                SubscriptionLifetimeMs = parse.GetValue(subscriptionLifetimeMs),
                ShardLimit = parse.GetValue(shardLimit),
                Limits = ServeSettings.ParseSwitch(parse.GetValue(limits), "--limits"),
                Device = ServeSettings.ParseDevice(parse.GetValue(device), "--device"),
                CommitLoops = parse.GetValue(commitLoops),
                DirectIo = ServeSettings.ParseSwitch(parse.GetValue(directIo), "--direct-io"),
                InitialStreams = parse.GetValue(initialStreams),
                LogLevel = ServeSettings.ParseLogLevel(parse.GetValue(logLevel), "--log-level"),
                KeyPassphraseFile = parse.GetValue(keyPassphraseFile),
                AllowNetwork = parse.GetValue(allowNetwork) is { Length: > 0 } networks ? string.Join(',', networks) : null,
                Audit = parse.GetResult(audit) is null ? null : parse.GetValue(audit) ?? true,
                AuditDir = parse.GetValue(auditDir),
                AuditMaxFileMb = parse.GetValue(auditMaxFileMb),
                AuditKeep = parse.GetValue(auditKeep),
                Auth = ServeSettings.ParseAuth(parse.GetValue(auth), "--auth"),
                Credentials = parse.GetValue(credentials),
            };
            return await RunAsync(flags, parse.GetValue(config)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Layers the settings, runs the server until a signal, and returns the exit code.</summary>
    internal static async Task<int> RunAsync(ServeSettings flags, string? configPath)
    {
        string invocationDirectory = Environment.CurrentDirectory;
        RunnelServerOptions options;
        DeviceKind device;
        bool directIo;
        try
        {
            configPath ??= Environment.GetEnvironmentVariable(ServeSettings.EnvironmentPrefix + "CONFIG") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
            ServeSettings file = configPath is null ? new ServeSettings() : ServeSettings.FromJsonFile(Path.GetFullPath(configPath, invocationDirectory));
            ServeSettings layered = flags.Over(ServeSettings.FromEnvironment(Environment.GetEnvironmentVariables())).Over(file);
            options = layered.ToServerOptions(invocationDirectory);
            options.Validate();
            if (options.Authentication == AuthenticationMode.SigV4)
            {
                _ = CredentialStore.Load(options.CredentialsPath!); // a bad file is a usage error, named before anything starts
            }
            device = StorageDevices.Resolve(layered.Device ?? DeviceKind.Auto); // fails now if io_uring was required but is missing
            directIo = layered.DirectIo ?? false;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IOException or System.Text.Json.JsonException or NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"runnel serve: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        RunnelServer server;
        try
        {
            server = await RunnelServer.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or KeyStoreException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            // A missing or unreadable file, a wrong certificate password, a certificate without its key.
            await Console.Error.WriteLineAsync($"runnel serve: cannot start: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (server.ConfigureAwait(false))
        {
            PrintBanner(server, options, device, directIo);
            await stop.Task.ConfigureAwait(false);
            Console.WriteLine("runnel: stopping (finishing requests in flight)...");
            await server.StopAsync().ConfigureAwait(false);
        }
        Console.WriteLine("runnel: stopped.");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // keep the process alive until the engine is closed
            stop.TrySetResult();
        }
    }

    private static void PrintBanner(RunnelServer server, RunnelServerOptions options, DeviceKind device, bool directIo)
    {
        TextWriter o = Console.Out;
        o.WriteLine("Runnel is serving the Kinesis API");
        foreach (Uri endpoint in server.Endpoints)
        {
            string kind = endpoint.Scheme == Uri.UriSchemeHttps ? "endpoint (TLS: h2, 1.1)    " : "endpoint (HTTP/1.1 + h2c)  ";
            o.WriteLine($"  {kind}{endpoint.ToString().TrimEnd('/')}");
        }
        o.WriteLine($"  data                       {server.DataDirectory}");
        if (server.Certificate is { } certificate)
        {
            o.WriteLine($"  TLS certificate            {certificate.Path}{(certificate.Generated ? " (self-signed, generated by runnel)" : "")}");
            if (certificate.Generated && certificate.PemPath is { } pem)
            {
                o.WriteLine($"  trust it with              NODE_EXTRA_CA_CERTS={pem}  or  AWS_CA_BUNDLE={pem}");
            }
        }
        if (server.Audit is not null)
        {
            o.WriteLine($"  audit trail                {options.AuditDirectory ?? Path.Combine(server.DataDirectory, "audit")}");
        }
        if (options.AllowedNetworks.Count > 0)
        {
            o.WriteLine($"  allowed client networks    {string.Join(", ", options.AllowedNetworks)}");
        }
        string storage = (device, directIo) switch
        {
            (DeviceKind.IoUring, true) => "io_uring, O_DIRECT",
            (DeviceKind.IoUring, false) => "io_uring",
            (_, true) => "portable (RandomAccess + fdatasync); --direct-io needs io_uring, so the page cache is used",
            _ => "portable (RandomAccess + fdatasync)",
        };
        o.WriteLine($"  storage device             {storage}");
        o.WriteLine(options.Streams.ShardLog.Committer is { } committer
            ? $"  commit loops               {committer.LoopCount}, shared by all shard logs"
            : "  commit loops               none, a writer per shard log");
        o.WriteLine($"  account / region           {options.Streams.AccountId} / {options.Streams.Region}; limits {(options.Streams.LimitsEnabled ? "on" : "off")}");
        o.WriteLine(options.Authentication == AuthenticationMode.SigV4
            ? $"  authentication             SigV4, principals from {options.CredentialsPath}"
            : "  authentication             none (any credentials are accepted; --auth sigv4 to verify)");
        o.WriteLine($"  health                     {(server.PlainEndpoint ?? server.TlsEndpoint)}health");
        o.WriteLine("Press Ctrl-C to stop.");
    }
}
