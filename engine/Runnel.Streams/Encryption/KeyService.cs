using System.Globalization;
using System.Security.Cryptography;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Encryption;

/// <summary>
/// A local key service standing in for AWS KMS: master keys (256-bit AES, versioned by rotation) with GUID ids,
/// key ARNs, aliases and alias ARNs; the AWS-managed <c>alias/aws/kinesis</c> key is created on first use. Keys
/// live in <c>keys.json</c> under the data directory (mode 0600, or sealed with a passphrase), or only in memory.
/// Data keys are wrapped and unwrapped here (AES-256-GCM under the master key's version); the material never
/// leaves the process. Thread-safe.
/// </summary>
/// <remarks>
/// Errors are AWS's: a missing key or alias is <c>KMSNotFoundException</c>, a disabled key <c>KMSDisabledException</c>,
/// with KMS's messages (which Kinesis passes on). A running server sees changes the CLI makes to the file at its
/// next <see cref="Refresh"/> (the engine's maintenance, every second).
/// </remarks>
public sealed class KeyService
{
    /// <summary>The alias of the AWS-managed Kinesis key.</summary>
    public const string AwsManagedAlias = "alias/aws/kinesis";

    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Lock _lock = new();
    private readonly KeyStoreFile? _file;
    private readonly TimeProvider _time;
    private KeyStoreDocument _document;

    // Key id to enabled, rebuilt whenever _document changes and never mutated after: reads need no lock.
    private volatile Dictionary<Guid, bool> _states = [];

    private KeyService(KeyStoreFile? file, KeyStoreDocument document, string region, string accountId, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        if (accountId is not { Length: 12 } || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The account id must be 12 digits.", nameof(accountId));
        }
        (_file, _document, Region, AccountId, _time) = (file, document, region, accountId, time);
        PublishStates();
    }

    /// <summary>The region in key ARNs.</summary>
    public string Region { get; }

    /// <summary>The account in key ARNs.</summary>
    public string AccountId { get; }

    /// <summary>The key file, or null for an in-memory service.</summary>
    public string? FilePath => _file?.FilePath;

    /// <summary>Whether the key file is sealed with a passphrase.</summary>
    public bool IsSealed => _file?.IsSealed ?? false;

    /// <summary>A key service whose keys live only in memory (tests, and engines without a data directory).</summary>
    public static KeyService InMemory(string region = "us-east-1", string accountId = "000000000000", TimeProvider? time = null)
        => new(null, new KeyStoreDocument(), region, accountId, time ?? TimeProvider.System);

    /// <summary>
    /// The key service over <c>keys.json</c> in <paramref name="directory"/> (created on the first change). An
    /// existing file is loaded now: a clear file open to group or others, a sealed file without the passphrase or
    /// with a wrong one, is a <see cref="KeyStoreException"/>. With a passphrase, a clear file is sealed at once.
    /// </summary>
    public static KeyService Open(string directory, string? passphrase, string region = "us-east-1",
        string accountId = "000000000000", TimeProvider? time = null)
        => Open(directory, passphrase, region, accountId, time, KeyStoreFile.DefaultIterations);

    internal static KeyService Open(string directory, string? passphrase, string region, string accountId, TimeProvider? time, int iterations)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var file = new KeyStoreFile(directory, passphrase, iterations);
        KeyStoreDocument? document = file.Load();
        if (document is not null && file.HasPassphrase && !file.IsSealed)
        {
            document = file.Update(static _ => { });
        }
        return new KeyService(file, document ?? new KeyStoreDocument(), region, accountId, time ?? TimeProvider.System);
    }

    /// <summary>The ARN of a key id.</summary>
    public string KeyArn(string keyId) => $"arn:aws:kms:{Region}:{AccountId}:key/{keyId}";

    /// <summary>The ARN of an alias (<c>alias/NAME</c>).</summary>
    public string AliasArn(string alias) => $"arn:aws:kms:{Region}:{AccountId}:{alias}";

    /// <summary>Creates a key (version 1), with an optional alias (<c>alias/NAME</c>, not under <c>alias/aws/</c>).</summary>
    public KeyDescription Create(string? alias = null, string? description = null)
    {
        if (alias is not null)
        {
            ValidateAlias(alias);
            if (alias.StartsWith("alias/aws/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Alias {alias} is reserved for AWS-managed keys.", nameof(alias));
            }
        }
        string id = Guid.NewGuid().ToString("D");
        Mutate(document =>
        {
            if (alias is not null && document.Aliases.ContainsKey(alias))
            {
                throw new ArgumentException($"An alias with the name {AliasArn(alias)} already exists", nameof(alias));
            }
            document.Keys.Add(NewKey(id, description ?? "", "CUSTOMER"));
            if (alias is not null)
            {
                document.Aliases[alias] = id;
            }
        });
        return Describe(id);
    }

    /// <summary>Every key, oldest first.</summary>
    public IReadOnlyList<KeyDescription> List()
    {
        lock (_lock)
        {
            return [.. _document.Keys.Select(k => DescribeCore(_document, k))];
        }
    }

    /// <summary>The key a key id, key ARN, alias or alias ARN names (KMSNotFoundException if none).</summary>
    public KeyDescription Describe(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        EnsureAwsManaged(keyId);
        lock (_lock)
        {
            return DescribeCore(_document, Find(_document, keyId));
        }
    }

    /// <summary>Disables a key: new records of streams using it are refused (KMSDisabledException), and so are reads
    /// of records it protects, until it is enabled again.</summary>
    public KeyDescription Disable(string keyId) => Change(keyId, static key => key.Enabled = false);

    /// <summary>Enables a disabled key.</summary>
    public KeyDescription Enable(string keyId) => Change(keyId, static key => key.Enabled = true);

    /// <summary>Rotates a key: adds a new version of material; new data keys use it, old versions stay for decryption.</summary>
    public KeyDescription Rotate(string keyId)
        => Change(keyId, key => key.Versions.Add(NewVersion(key.Versions[^1].Version + 1)));

    /// <summary>Reloads the key file if another process changed it; false when nothing changed or the file cannot be
    /// read now (the keys already loaded stay in force).</summary>
    public bool Refresh()
    {
        if (_file is null)
        {
            return false;
        }
        lock (_lock)
        {
            try
            {
                if (!_file.ChangedOnDisk())
                {
                    return false;
                }
                _document = _file.Load() ?? new KeyStoreDocument();
                PublishStates();
                return true;
            }
            catch (KeyStoreException)
            {
                return false;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The newest version of the enabled key <paramref name="keyId"/> names, for new data keys. Creates
    /// alias/aws/kinesis on first use. KMSNotFoundException or KMSDisabledException otherwise.
    /// </summary>
    internal MasterKeyVersion ForEncryption(string keyId)
    {
        EnsureAwsManaged(keyId);
        lock (_lock)
        {
            MasterKeyDocument key = Find(_document, keyId);
            RequireEnabled(key);
            return ToVersion(key, key.Versions[^1]);
        }
    }

    /// <summary>A given version of a key, for unwrapping a data key: the key must exist and be enabled.</summary>
    internal MasterKeyVersion ForDecryption(Guid keyId, int version)
    {
        string id = keyId.ToString("D");
        lock (_lock)
        {
            MasterKeyDocument key = _document.Keys.Find(k => k.Id == id) ?? throw KeyNotFound(id);
            RequireEnabled(key);
            KeyVersionDocument material = key.Versions.Find(v => v.Version == version)
                ?? throw new KinesisException(KinesisErrorCode.KMSInvalidState,
                    $"{KeyArn(id)} has no key material of version {version.ToString(CultureInfo.InvariantCulture)}.");
            return ToVersion(key, material);
        }
    }

    /// <summary>Whether the key exists and is enabled now (KMS errors otherwise). Lock-free: called per record read.</summary>
    internal void RequireUsable(Guid keyId)
    {
        if (!_states.TryGetValue(keyId, out bool enabled))
        {
            throw KeyNotFound(keyId.ToString("D"));
        }
        if (!enabled)
        {
            throw new KinesisException(KinesisErrorCode.KMSDisabled, $"{KeyArn(keyId.ToString("D"))} is disabled.");
        }
    }

    /// <summary>Wraps a data key: AES-256-GCM under the master key version, bound to <paramref name="context"/>.</summary>
    internal static void Wrap(MasterKeyVersion master, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> context,
        Span<byte> nonce, Span<byte> wrapped, Span<byte> tag)
    {
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(master.Material, TagBytes);
        aes.Encrypt(nonce, dataKey, wrapped, tag, context);
    }

    /// <summary>Unwraps a data key; false when it does not authenticate (a damaged or moved data key file).</summary>
    internal static bool TryUnwrap(MasterKeyVersion master, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> wrapped,
        ReadOnlySpan<byte> tag, ReadOnlySpan<byte> context, Span<byte> dataKey)
    {
        try
        {
            using var aes = new AesGcm(master.Material, TagBytes);
            aes.Decrypt(nonce, wrapped, tag, dataKey, context);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    internal static int WrapNonceLength => NonceBytes;

    internal static int WrapTagLength => TagBytes;

    private KeyDescription Change(string keyId, Action<MasterKeyDocument> change)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        EnsureAwsManaged(keyId);
        string id;
        lock (_lock)
        {
            id = Find(_document, keyId).Id;
        }
        Mutate(document => change(document.Keys.Find(k => k.Id == id) ?? throw KeyNotFound(id)));
        return Describe(id);
    }

    /// <summary>Applies a change to the store: durably through the file (newest content first), or in memory.</summary>
    private void Mutate(Action<KeyStoreDocument> change)
    {
        lock (_lock)
        {
            if (_file is null)
            {
                change(_document);
            }
            else
            {
                _document = _file.Update(change);
            }
            PublishStates();
        }
    }

    private void PublishStates()
    {
        var states = new Dictionary<Guid, bool>();
        foreach (MasterKeyDocument key in _document.Keys)
        {
            if (Guid.TryParseExact(key.Id, "D", out Guid id))
            {
                states[id] = key.Enabled;
            }
        }
        _states = states;
    }

    private void EnsureAwsManaged(string keyId)
    {
        if (keyId != AwsManagedAlias && keyId != AliasArn(AwsManagedAlias))
        {
            return;
        }
        lock (_lock)
        {
            if (_document.Aliases.ContainsKey(AwsManagedAlias))
            {
                return;
            }
            Mutate(document =>
            {
                if (!document.Aliases.ContainsKey(AwsManagedAlias))
                {
                    string id = Guid.NewGuid().ToString("D");
                    document.Keys.Add(NewKey(id, "Default key that protects my Kinesis data when no other key is defined", "AWS"));
                    document.Aliases[AwsManagedAlias] = id;
                }
            });
        }
    }

    /// <summary>Resolves a key id, key ARN, alias name or alias ARN. Holds _lock.</summary>
    private MasterKeyDocument Find(KeyStoreDocument document, string keyId)
    {
        string reference = keyId;
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            string[] parts = keyId.Split(':', 6);
            if (parts.Length != 6 || parts[1] != "aws" || parts[2] != "kms")
            {
                throw InvalidKeyId(keyId);
            }
            if (parts[5].StartsWith("alias/", StringComparison.Ordinal))
            {
                if (parts[3] != Region || parts[4] != AccountId)
                {
                    throw new KinesisException(KinesisErrorCode.KMSNotFound, $"Alias {keyId} is not found.");
                }
            }
            else if (parts[5].StartsWith("key/", StringComparison.Ordinal))
            {
                if (parts[3] != Region || parts[4] != AccountId)
                {
                    throw new KinesisException(KinesisErrorCode.KMSNotFound, $"Key '{keyId}' does not exist");
                }
            }
            else
            {
                throw InvalidKeyId(keyId);
            }
            reference = parts[5];
        }
        if (reference.StartsWith("alias/", StringComparison.Ordinal))
        {
            if (!document.Aliases.TryGetValue(reference, out string? target))
            {
                throw new KinesisException(KinesisErrorCode.KMSNotFound, $"Alias {AliasArn(reference)} is not found.");
            }
            return document.Keys.Find(k => k.Id == target) ?? throw KeyNotFound(target);
        }
        if (reference.StartsWith("key/", StringComparison.Ordinal))
        {
            reference = reference[4..];
        }
        if (!Guid.TryParseExact(reference, "D", out Guid guid))
        {
            throw InvalidKeyId(keyId);
        }
        string id = guid.ToString("D");
        return document.Keys.Find(k => k.Id == id) ?? throw KeyNotFound(id);
    }

    private void RequireEnabled(MasterKeyDocument key)
    {
        if (!key.Enabled)
        {
            throw new KinesisException(KinesisErrorCode.KMSDisabled, $"{KeyArn(key.Id)} is disabled.");
        }
    }

    private KinesisException KeyNotFound(string id) => new(KinesisErrorCode.KMSNotFound, $"Key '{KeyArn(id)}' does not exist");

    private static KinesisException InvalidKeyId(string keyId) => new(KinesisErrorCode.KMSNotFound, $"Invalid keyId {keyId}");

    private KeyDescription DescribeCore(KeyStoreDocument document, MasterKeyDocument key)
    {
        string[] aliases = [.. document.Aliases.Where(a => a.Value == key.Id).Select(a => a.Key)];
        KeyVersionDocument newest = key.Versions[^1];
        return new KeyDescription(key.Id, KeyArn(key.Id), aliases, key.Description, key.Enabled ? "Enabled" : "Disabled",
            key.KeyManager, DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedMs), newest.Version,
            DateTimeOffset.FromUnixTimeMilliseconds(newest.CreatedMs));
    }

    private MasterKeyDocument NewKey(string id, string description, string manager)
    {
        var key = new MasterKeyDocument
        {
            Id = id,
            Description = description,
            CreatedMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            KeyManager = manager,
        };
        key.Versions.Add(NewVersion(1));
        return key;
    }

    private KeyVersionDocument NewVersion(int version) => new()
    {
        Version = version,
        CreatedMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Material = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)),
    };

    private static MasterKeyVersion ToVersion(MasterKeyDocument key, KeyVersionDocument version)
        => new(Guid.ParseExact(key.Id, "D"), version.Version, Convert.FromBase64String(version.Material));

    private static void ValidateAlias(string alias)
    {
        if (!alias.StartsWith("alias/", StringComparison.Ordinal) || alias.Length is < 7 or > 256
            || !alias.AsSpan(6).ToString().All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-'))
        {
            throw new ArgumentException(
                $"Alias must be alias/NAME, NAME of 1 to 250 characters among letters, digits, / _ and - (got '{alias}').", nameof(alias));
        }
    }
}
