using Runnel.Security.Authentication;
using Runnel.Storage.Io;
using Runnel.Streams;

namespace Runnel.Server;

/// <summary>
/// Everything <see cref="RunnelServer"/> needs to start: where to listen, where the data lives, the TLS certificate,
/// the engine's options and the transport's limits. The CLI builds it from flags, environment and a JSON file;
/// tests build it directly (port 0 picks an ephemeral port).
/// </summary>
public sealed record RunnelServerOptions
{
    /// <summary>The default plain (HTTP/1.1 + h2c) port.</summary>
    public const int DefaultPort = 4567;

    /// <summary>The default TLS (ALPN h2 + http/1.1) port.</summary>
    public const int DefaultTlsPort = 4568;

    /// <summary>The address to bind: an IP address, <c>localhost</c> (IPv4 and IPv6 loopback) or <c>*</c> (every interface).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Addresses to bind, each as <see cref="Host"/>; when empty, <see cref="Host"/> alone is bound.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>The client networks allowed to connect, as CIDR (<c>10.0.0.0/8</c>, <c>::1/128</c>) or single
    /// addresses; a connection from elsewhere is closed before any byte is read. Empty: every client is allowed.</summary>
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    /// <summary>Write the audit trail (one CloudTrail-shaped JSON line per API call).</summary>
    public bool AuditEnabled { get; init; }

    /// <summary>The audit trail's directory; null is <c>audit</c> under the data directory.</summary>
    public string? AuditDirectory { get; init; }

    /// <summary>Size at which an audit file is closed and the next one started, in MiB.</summary>
    public int AuditMaxFileMegabytes { get; init; } = 100;

    /// <summary>How many audit files are kept (the active one included).</summary>
    public int AuditKeepFiles { get; init; } = 30;

    /// <summary>The addresses bound: <see cref="Hosts"/>, or <see cref="Host"/> alone.</summary>
    public IReadOnlyList<string> BindAddresses => Hosts.Count > 0 ? Hosts : [Host];

    /// <summary>The plain port (HTTP/1.1 and cleartext HTTP/2 with prior knowledge); 0 picks an ephemeral port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The TLS port; 0 picks an ephemeral port, null serves no TLS.</summary>
    public int? TlsPort { get; init; } = DefaultTlsPort;

    /// <summary>Serve only the TLS port (no plain port).</summary>
    public bool TlsOnly { get; init; }

    /// <summary>The data directory (absolute, or relative to the process's current directory).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A certificate to serve TLS with: a PFX/PKCS#12 file (.pfx, .p12) or a PEM certificate. When null,
    /// a self-signed certificate is generated on first start and kept in the data directory.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/> when it is not in the same file.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>The password of a PFX <see cref="TlsCertificatePath"/>, if it has one.</summary>
    public string? TlsCertificatePassword { get; init; }

    /// <summary>The passphrase that seals the key file of encryption at rest (<c>keys/keys.json</c> in the data
    /// directory); null keeps the file in clear with mode 0600.</summary>
    public string? KeyPassphrase { get; init; }

    /// <summary>The engine's options (region, account, delays, shard limit, limits mode).</summary>
    public StreamsOptions Streams { get; init; } = new();

    /// <summary>Builds the storage device of a directory (the io_uring device plugs in here); null uses the portable file device.</summary>
    public Func<string, IStorageDevice>? DeviceFactory { get; init; }

    /// <summary>Streams created at start when they do not exist yet (kinesis-mock's INITIALIZE_STREAMS).</summary>
    public IReadOnlyList<StreamSeed> InitialStreams { get; init; } = [];

    /// <summary>Request size limits and timeouts of the transport.</summary>
    public TransportLimits Limits { get; init; } = new();

    /// <summary>How often <see cref="StreamEngine.RunMaintenanceAsync"/> runs.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How requests are authenticated: <see cref="AuthenticationMode.None"/> (the default, any credentials
    /// pass, as every emulator does) or <see cref="AuthenticationMode.SigV4"/> (full signature verification against
    /// <see cref="CredentialsPath"/>, for the region of <see cref="StreamsOptions.Region"/>).</summary>
    public AuthenticationMode Authentication { get; init; } = AuthenticationMode.None;

    /// <summary>The credentials file (see <see cref="CredentialStore"/>); required with <see cref="AuthenticationMode.SigV4"/>.</summary>
    public string? CredentialsPath { get; init; }

    /// <summary>The least severe log level written to the console.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(DataDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        if (TlsPort is { } tls)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(tls, nameof(TlsPort));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(tls, 65535, nameof(TlsPort));
        }
        if (TlsOnly && TlsPort is null)
        {
            throw new ArgumentException("TLS-only needs a TLS port.", nameof(TlsOnly));
        }
        if (TlsKeyPath is not null && TlsCertificatePath is null)
        {
            throw new ArgumentException("A TLS key needs a TLS certificate.", nameof(TlsKeyPath));
        }
        if (Authentication == AuthenticationMode.SigV4 && string.IsNullOrWhiteSpace(CredentialsPath))
        {
            throw new ArgumentException("--auth sigv4 needs a credentials file (--credentials FILE).", nameof(CredentialsPath));
        }
        foreach (string host in BindAddresses)
        {
            if (host is not ("localhost" or "*" or "+") && !System.Net.IPAddress.TryParse(host, out _))
            {
                throw new ArgumentException($"'{host}' is not an IP address, localhost or *.", nameof(Hosts));
            }
        }
        foreach (string network in AllowedNetworks)
        {
            if (!Network.IpNetwork.TryParse(network, out _))
            {
                throw new ArgumentException($"'{network}' is not a network (CIDR such as 10.0.0.0/8 or ::1/128, or an address).", nameof(AllowedNetworks));
            }
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(AuditMaxFileMegabytes, 1, nameof(AuditMaxFileMegabytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(AuditKeepFiles, 1, nameof(AuditKeepFiles));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaintenanceInterval, TimeSpan.Zero, nameof(MaintenanceInterval));
        Limits.Validate();
        Streams.Validate();
    }
}
