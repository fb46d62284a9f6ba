using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Runnel.Security.Authentication;
using Runnel.Server;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;
using Runnel.Streams;

namespace Runnel.Cli;

/// <summary>
/// The settings of <c>runnel serve</c> from one source (flags, environment, JSON file); null means "not set here".
/// Sources are layered with <see cref="Over"/>: flags over environment over file over defaults. Immutable.
/// </summary>
internal sealed record ServeSettings
{
    /// <summary>The environment variable prefix: RUNNEL_PORT, RUNNEL_TLS_PORT, ...</summary>
    public const string EnvironmentPrefix = "RUNNEL_";

    public int? Port { get; init; }
    public int? TlsPort { get; init; }
    public string? Host { get; init; }
    public string? Data { get; init; }
    public string? TlsCert { get; init; }
    public string? TlsKey { get; init; }
    public bool? TlsOnly { get; init; }
    public string? Region { get; init; }
    public string? AccountId { get; init; }
    public int? CreateStreamMs { get; init; }
    public int? DeleteStreamMs { get; init; }
    public int? UpdateStreamMs { get; init; }
    public int? SubscriptionLifetimeMs { get; init; }
    public int? ShardLimit { get; init; }
    public bool? Limits { get; init; }
    public DeviceKind? Device { get; init; }

    /// <summary>Commit loops shared by all shard logs (0: each log commits alone; default one per core).</summary>
    public int? CommitLoops { get; init; }

    /// <summary>Segment, index and checkpoint files opened with O_DIRECT (io_uring device only; default off).</summary>
    public bool? DirectIo { get; init; }
    public string? InitialStreams { get; init; }
    public LogLevel? LogLevel { get; init; }
    public string? KeyPassphraseFile { get; init; }

    // Network control and the audit trail. Host (above) and AllowNetwork are comma-separated lists.
    public string? AllowNetwork { get; init; }
    public bool? Audit { get; init; }
    public string? AuditDir { get; init; }
    public int? AuditMaxFileMb { get; init; }
    public int? AuditKeep { get; init; }
    public AuthenticationMode? Auth { get; init; }
    public string? Credentials { get; init; }

    /// <summary>These settings, with every value <paramref name="lower"/> sets and this one does not.</summary>
    public ServeSettings Over(ServeSettings lower) => new()
    {
        Port = Port ?? lower.Port,
        TlsPort = TlsPort ?? lower.TlsPort,
        Host = Host ?? lower.Host,
        Data = Data ?? lower.Data,
        TlsCert = TlsCert ?? lower.TlsCert,
        TlsKey = TlsKey ?? lower.TlsKey,
        TlsOnly = TlsOnly ?? lower.TlsOnly,
        Region = Region ?? lower.Region,
        AccountId = AccountId ?? lower.AccountId,
        CreateStreamMs = CreateStreamMs ?? lower.CreateStreamMs,
        DeleteStreamMs = DeleteStreamMs ?? lower.DeleteStreamMs,
        UpdateStreamMs = UpdateStreamMs ?? lower.UpdateStreamMs,
        SubscriptionLifetimeMs = SubscriptionLifetimeMs ?? lower.SubscriptionLifetimeMs,
        ShardLimit = ShardLimit ?? lower.ShardLimit,
        Limits = Limits ?? lower.Limits,
        Device = Device ?? lower.Device,
        CommitLoops = CommitLoops ?? lower.CommitLoops,
        DirectIo = DirectIo ?? lower.DirectIo,
        InitialStreams = InitialStreams ?? lower.InitialStreams,
        LogLevel = LogLevel ?? lower.LogLevel,
        KeyPassphraseFile = KeyPassphraseFile ?? lower.KeyPassphraseFile,
        AllowNetwork = AllowNetwork ?? lower.AllowNetwork,
        Audit = Audit ?? lower.Audit,
        AuditDir = AuditDir ?? lower.AuditDir,
        AuditMaxFileMb = AuditMaxFileMb ?? lower.AuditMaxFileMb,
        AuditKeep = AuditKeep ?? lower.AuditKeep,
        Auth = Auth ?? lower.Auth,
        Credentials = Credentials ?? lower.Credentials,
    };

    /// <summary>The server's options; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="FormatException">A value is malformed (for example the initial streams).</exception>
    public RunnelServerOptions ToServerOptions(string baseDirectory)
    {
        var streams = new StreamsOptions();
        DeviceKind device = Device ?? DeviceKind.Auto;
        var deviceOptions = new IoUringDeviceOptions { Direct = DirectIo ?? false };
        return new RunnelServerOptions
        {
            Host = SplitList(Host) is [var first, ..] ? first : "127.0.0.1",
            Hosts = SplitList(Host),
            AllowedNetworks = SplitList(AllowNetwork),
            AuditEnabled = Audit ?? false,
            AuditDirectory = AuditDir is null ? null : Path.GetFullPath(AuditDir, baseDirectory),
            AuditMaxFileMegabytes = AuditMaxFileMb ?? 100,
            AuditKeepFiles = AuditKeep ?? 30,
            Port = Port ?? RunnelServerOptions.DefaultPort,
            TlsPort = TlsPort ?? RunnelServerOptions.DefaultTlsPort,
            TlsOnly = TlsOnly ?? false,
            DataDirectory = Path.GetFullPath(Data ?? "data", baseDirectory),
            TlsCertificatePath = TlsCert is null ? null : Path.GetFullPath(TlsCert, baseDirectory),
            TlsKeyPath = TlsKey is null ? null : Path.GetFullPath(TlsKey, baseDirectory),
            TlsCertificatePassword = Environment.GetEnvironmentVariable(EnvironmentPrefix + "TLS_CERT_PASSWORD"),
            KeyPassphrase = KeyPassphrase(KeyPassphraseFile is null ? null : Path.GetFullPath(KeyPassphraseFile, baseDirectory)),
            Streams = streams with
            {
                Region = Region ?? streams.Region,
                AccountId = AccountId ?? streams.AccountId,
                CreateStreamDelay = CreateStreamMs is { } c ? TimeSpan.FromMilliseconds(c) : streams.CreateStreamDelay,
                DeleteStreamDelay = DeleteStreamMs is { } d ? TimeSpan.FromMilliseconds(d) : streams.DeleteStreamDelay,
                UpdateStreamDelay = UpdateStreamMs is { } u ? TimeSpan.FromMilliseconds(u) : streams.UpdateStreamDelay,
                SubscriptionLifetime = SubscriptionLifetimeMs is { } l ? TimeSpan.FromMilliseconds(l) : streams.SubscriptionLifetime,
                ShardLimit = ShardLimit ?? streams.ShardLimit,
                LimitsEnabled = Limits ?? streams.LimitsEnabled,
                ShardLog = CommitLoops is { } loops ? streams.ShardLog with { Committer = Committer(loops) } : streams.ShardLog,
            },
            DeviceFactory = path => StorageDevices.Create(path, device, deviceOptions),
            InitialStreams = StreamSeed.ParseList(InitialStreams),
            LogLevel = LogLevel ?? Microsoft.Extensions.Logging.LogLevel.Information,
            Authentication = Auth ?? AuthenticationMode.None,
            CredentialsPath = Credentials is null ? null : Path.GetFullPath(Credentials, baseDirectory),
        };
    }

    /// <summary>
    /// The commit loops for <c>--commit-loops</c>: none (0, a writer per shard log), the process-wide one-per-core
    /// loops when the count is the core count, else a committer of its own.
    /// </summary>
    /// <exception cref="FormatException">The count is negative or above <see cref="LogCommitter.MaxLoops"/>.</exception>
    internal static LogCommitter? Committer(int loops) => loops switch
    {
        0 => null,
        < 0 or > LogCommitter.MaxLoops => throw new FormatException($"--commit-loops {loops}: give 0 (a writer per shard log) to {LogCommitter.MaxLoops}."),
        _ when loops == LogCommitter.Shared.LoopCount => LogCommitter.Shared,
        _ => new LogCommitter(loops),
    };

    /// <summary>
    /// The passphrase sealing the key file: the first line of <paramref name="file"/> (--key-passphrase-file) when
    /// given, else RUNNEL_KEY_PASSPHRASE, else none. Never a flag's value (argv is visible to other users).
    /// </summary>
    internal static string? KeyPassphrase(string? file)
    {
        if (file is not null)
        {
            string text = File.ReadAllText(file);
            int end = text.IndexOfAny(['\r', '\n']);
            return end < 0 ? text : text[..end];
        }
        return Environment.GetEnvironmentVariable(EnvironmentPrefix + "KEY_PASSPHRASE") is { Length: > 0 } value ? value : null;
    }

    /// <summary>The RUNNEL_* variables of <paramref name="environment"/>.</summary>
    /// <exception cref="FormatException">A variable's value is malformed; the message names it.</exception>
    public static ServeSettings FromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment[EnvironmentPrefix + name] is string { Length: > 0 } value ? value : null;
        return new ServeSettings
        {
            Port = ParseInt(Get("PORT"), "RUNNEL_PORT"),
            TlsPort = ParseInt(Get("TLS_PORT"), "RUNNEL_TLS_PORT"),
            Host = Get("HOST"),
            Data = Get("DATA"),
            TlsCert = Get("TLS_CERT"),
            TlsKey = Get("TLS_KEY"),
            TlsOnly = ParseSwitch(Get("TLS_ONLY"), "RUNNEL_TLS_ONLY"),
            Region = Get("REGION"),
            AccountId = Get("ACCOUNT_ID"),
            CreateStreamMs = ParseInt(Get("CREATE_STREAM_MS"), "RUNNEL_CREATE_STREAM_MS"),
            DeleteStreamMs = ParseInt(Get("DELETE_STREAM_MS"), "RUNNEL_DELETE_STREAM_MS"),
            UpdateStreamMs = ParseInt(Get("UPDATE_STREAM_MS"), "RUNNEL_UPDATE_STREAM_MS"),
            SubscriptionLifetimeMs = ParseInt(Get("SUBSCRIPTION_LIFETIME_MS"), "RUNNEL_SUBSCRIPTION_LIFETIME_MS"),
            ShardLimit = ParseInt(Get("SHARD_LIMIT"), "RUNNEL_SHARD_LIMIT"),
            Limits = ParseSwitch(Get("LIMITS"), "RUNNEL_LIMITS"),
            Device = ParseDevice(Get("DEVICE"), "RUNNEL_DEVICE"),
            CommitLoops = ParseInt(Get("COMMIT_LOOPS"), "RUNNEL_COMMIT_LOOPS"),
            DirectIo = ParseSwitch(Get("DIRECT_IO"), "RUNNEL_DIRECT_IO"),
            InitialStreams = Get("INITIAL_STREAMS"),
            LogLevel = ParseLogLevel(Get("LOG_LEVEL"), "RUNNEL_LOG_LEVEL"),
            KeyPassphraseFile = Get("KEY_PASSPHRASE_FILE"),
            AllowNetwork = Get("ALLOW_NETWORK"),
            Audit = ParseSwitch(Get("AUDIT"), "RUNNEL_AUDIT"),
            AuditDir = Get("AUDIT_DIR"),
            AuditMaxFileMb = ParseInt(Get("AUDIT_MAX_FILE_MB"), "RUNNEL_AUDIT_MAX_FILE_MB"),
            AuditKeep = ParseInt(Get("AUDIT_KEEP"), "RUNNEL_AUDIT_KEEP"),
            Auth = ParseAuth(Get("AUTH"), "RUNNEL_AUTH"),
            Credentials = Get("CREDENTIALS"),
        };
    }

    /// <summary>
    /// A JSON config file: one object whose keys are the flag names in camelCase (<c>port</c>, <c>tlsPort</c>,
    /// <c>data</c>, <c>createStreamMs</c>, <c>initialStreams</c>, ...). Relative paths in it are relative to the file.
    /// Unknown keys are errors, so that a typo does not pass silently.
    /// </summary>
    /// <exception cref="FormatException">The file is not such an object; the message names the key.</exception>
    public static ServeSettings FromJsonFile(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: the configuration must be a JSON object.");
        }
        var settings = new ServeSettings();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            JsonElement v = property.Value;
            string where = $"{path}: '{property.Name}'";
            settings = property.Name switch
            {
                "port" => settings with { Port = JsonInt(v, where) },
                "tlsPort" => settings with { TlsPort = JsonInt(v, where) },
                "host" => settings with { Host = JsonList(v, where) },
                "data" => settings with { Data = Path.GetFullPath(JsonString(v, where), directory) },
                "tlsCert" => settings with { TlsCert = Path.GetFullPath(JsonString(v, where), directory) },
                "tlsKey" => settings with { TlsKey = Path.GetFullPath(JsonString(v, where), directory) },
                "tlsOnly" => settings with { TlsOnly = JsonSwitch(v, where) },
                "region" => settings with { Region = JsonString(v, where) },
                "accountId" => settings with { AccountId = JsonString(v, where) },
                "createStreamMs" => settings with { CreateStreamMs = JsonInt(v, where) },
                "deleteStreamMs" => settings with { DeleteStreamMs = JsonInt(v, where) },
                "updateStreamMs" => settings with { UpdateStreamMs = JsonInt(v, where) },
                "subscriptionLifetimeMs" => settings with { SubscriptionLifetimeMs = JsonInt(v, where) },
                "shardLimit" => settings with { ShardLimit = JsonInt(v, where) },
                "limits" => settings with { Limits = JsonSwitch(v, where) },
                "device" => settings with { Device = ParseDevice(JsonString(v, where), where) },
                "commitLoops" => settings with { CommitLoops = JsonInt(v, where) },
                "directIo" => settings with { DirectIo = JsonSwitch(v, where) },
                "initialStreams" => settings with { InitialStreams = JsonStreams(v, where) },
                "logLevel" => settings with { LogLevel = ParseLogLevel(JsonString(v, where), where) },
                "keyPassphraseFile" => settings with { KeyPassphraseFile = Path.GetFullPath(JsonString(v, where), directory) },
                "allowNetwork" => settings with { AllowNetwork = JsonList(v, where) },
                "audit" => settings with { Audit = JsonSwitch(v, where) },
                "auditDir" => settings with { AuditDir = Path.GetFullPath(JsonString(v, where), directory) },
                "auditMaxFileMb" => settings with { AuditMaxFileMb = JsonInt(v, where) },
                "auditKeep" => settings with { AuditKeep = JsonInt(v, where) },
                "auth" => settings with { Auth = ParseAuth(JsonString(v, where), where) },
                "credentials" => settings with { Credentials = Path.GetFullPath(JsonString(v, where), directory) },
                _ => throw new FormatException($"{where} is not a setting (see README, Configuration)."),
            };
        }
        return settings;
    }

    internal static int? ParseInt(string? text, string where)
        => text is null ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value
            : throw new FormatException($"{where}='{text}' is not an integer.");

    internal static bool? ParseSwitch(string? text, string where) => text?.Trim().ToUpperInvariant() switch
    {
        null => null,
        "ON" or "TRUE" or "1" or "YES" => true,
        "OFF" or "FALSE" or "0" or "NO" => false,
        _ => throw new FormatException($"{where}='{text}' is not on or off."),
    };

    internal static DeviceKind? ParseDevice(string? text, string where) => text?.Trim().ToUpperInvariant() switch
    {
        null => null,
        "AUTO" => DeviceKind.Auto,
        "IOURING" or "IO_URING" => DeviceKind.IoUring,
        "PORTABLE" or "FILE" => DeviceKind.Portable,
        _ => throw new FormatException($"{where}='{text}' is not one of auto, iouring, portable."),
    };

    internal static AuthenticationMode? ParseAuth(string? text, string where) => text?.Trim().ToUpperInvariant() switch
    {
        null => null,
        "NONE" => AuthenticationMode.None,
        "SIGV4" => AuthenticationMode.SigV4,
        _ => throw new FormatException($"{where}='{text}' is not one of none, sigv4."),
    };

    internal static LogLevel? ParseLogLevel(string? text, string where) => text?.Trim().ToUpperInvariant() switch
    {
        null => null,
        "TRACE" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "DEBUG" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "INFO" or "INFORMATION" => Microsoft.Extensions.Logging.LogLevel.Information,
        "WARN" or "WARNING" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "ERROR" => Microsoft.Extensions.Logging.LogLevel.Error,
        "CRITICAL" => Microsoft.Extensions.Logging.LogLevel.Critical,
        "NONE" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => throw new FormatException($"{where}='{text}' is not one of trace, debug, info, warning, error, critical, none."),
    };

    /// <summary>The entries of a comma-separated list, trimmed, empty ones dropped.</summary>
    internal static string[] SplitList(string? text)
        => text is null ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A string (itself a comma-separated list) or an array of strings, as one comma-separated list.</summary>
    private static string JsonList(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(item => JsonString(item, where))),
        _ => throw new FormatException($"{where} must be a string or a list of strings."),
    };

    private static int JsonInt(JsonElement value, string where)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : throw new FormatException($"{where} must be an integer.");

    private static string JsonString(JsonElement value, string where)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{where} must be a string.");

    private static bool JsonSwitch(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => ParseSwitch(value.GetString(), where)!.Value,
        _ => throw new FormatException($"{where} must be true/false or \"on\"/\"off\"."),
    };

    /// <summary><c>"a:1,b:2"</c>, or <c>["a:1", "b:2"]</c>, or <c>[{"name": "a", "shards": 1}]</c>.</summary>
    private static string JsonStreams(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{where} must be \"name:shards,...\" or a list.");
        }
        var entries = new List<string>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            entries.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Object when item.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String
                    => string.Create(CultureInfo.InvariantCulture,
                        $"{name.GetString()}:{(item.TryGetProperty("shards", out JsonElement shards) ? JsonInt(shards, where) : 1)}"),
                _ => throw new FormatException($"{where}: each entry is \"name:shards\" or {{\"name\": ..., \"shards\": ...}}."),
            });
        }
        return string.Join(',', entries);
    }
}
