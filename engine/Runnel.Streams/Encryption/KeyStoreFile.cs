using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Runnel.Storage.Io;

namespace Runnel.Streams.Encryption;

/// <summary>
/// The key file <c>keys.json</c> in its directory (the data directory's <c>keys/</c>): loaded with its permissions
/// checked (a clear file must not be open to group or others) or unsealed with the passphrase; replaced durably
/// (write <c>keys.json.tmp</c> created with mode 0600, fsync, rename, fsync the directory), under an exclusive lock
/// on <c>keys.lock</c> so the CLI and a running server never lose each other's changes.
/// </summary>
internal sealed class KeyStoreFile
{
    public const string FileName = "keys.json";
    private const string TemporaryName = FileName + ".tmp";
    private const string LockName = "keys.lock";
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>PBKDF2-HMAC-SHA256 iterations for a newly sealed file (OWASP's 2023 figure).</summary>
    internal const int DefaultIterations = 600_000;

    private static readonly byte[] s_sealContext = "runnel-keys-v1"u8.ToArray();
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string? _passphrase;
    private readonly int _iterations;
    private byte[]? _salt;
    private byte[]? _sealKey;
    private (long Length, DateTime WrittenUtc)? _seen;

    public KeyStoreFile(string directory, string? passphrase, int iterations = DefaultIterations)
    {
        Directory = Path.GetFullPath(directory);
        FilePath = Path.Combine(Directory, FileName);
        _passphrase = string.IsNullOrEmpty(passphrase) ? null : passphrase;
        _iterations = iterations;
    }

    /// <summary>The directory holding the key file.</summary>
    public string Directory { get; }

    /// <summary>The key file's absolute path.</summary>
    public string FilePath { get; }

    /// <summary>Whether the file was sealed when last loaded (or will be sealed when saved).</summary>
    public bool IsSealed { get; private set; }

    /// <summary>Whether a passphrase was given (the file is sealed on every save).</summary>
    public bool HasPassphrase => _passphrase is not null;

    /// <summary>The stored key store, or null when there is no file yet.</summary>
    public KeyStoreDocument? Load()
    {
        if (!File.Exists(FilePath))
        {
            _seen = null;
            return null;
        }
        (long, DateTime) stamp = Stamp();
        byte[] bytes = File.ReadAllBytes(FilePath);
        KeyFileDocument file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, KeyStoreJsonContext.Default.KeyFileDocument)
                ?? throw new KeyStoreException($"The key file {FilePath} is empty.");
        }
        catch (JsonException e)
        {
            throw new KeyStoreException($"The key file {FilePath} is not valid JSON: {e.Message}", e);
        }
        if (file.Format != 1)
        {
            throw new KeyStoreException($"The key file {FilePath} has format {file.Format}; this Runnel reads format 1.");
        }
        KeyStoreDocument document;
        if (file.Sealed is { } sealedStore)
        {
            document = Unseal(sealedStore);
            IsSealed = true;
        }
        else
        {
            CheckPermissions();
            document = file.Plain ?? throw new KeyStoreException($"The key file {FilePath} holds no keys.");
            IsSealed = false;
        }
        _seen = stamp;
        return document;
    }

    /// <summary>Whether the file changed on disk since it was last loaded or saved here.</summary>
    public bool ChangedOnDisk()
    {
        if (!File.Exists(FilePath))
        {
            return _seen is not null;
        }
        return _seen != Stamp();
    }

    /// <summary>
    /// Under the file lock: loads the newest store (a new one if there is no file), applies <paramref name="change"/>
    /// and saves the result durably. Returns the saved store.
    /// </summary>
    public KeyStoreDocument Update(Action<KeyStoreDocument> change)
    {
        using FileStream gate = AcquireLock();
        KeyStoreDocument document = Load() ?? new KeyStoreDocument();
        change(document);
        Save(document);
        return document;
    }

    private void Save(KeyStoreDocument document)
    {
        KeyFileDocument file = _passphrase is null
            ? new KeyFileDocument { Plain = document }
            : new KeyFileDocument { Sealed = Seal(document) };
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(file, KeyStoreJsonContext.Default.KeyFileDocument);
        string temporary = Path.Combine(Directory, TemporaryName);
        if (File.Exists(temporary))
        {
            File.Delete(temporary);
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, FilePath, overwrite: true);
        new FileDevice(Directory).SyncDirectory();
        IsSealed = _passphrase is not null;
        _seen = Stamp();
    }

    private FileStream AcquireLock()
    {
        EnsureDirectory();
        string path = Path.Combine(Directory, LockName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(50); // another process (the CLI or the server) is changing the keys
            }
        }
    }

    private void EnsureDirectory()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnly | UnixFileMode.UserExecute);
        }
        string? parent = Path.GetDirectoryName(Directory);
        if (parent is not null)
        {
            new FileDevice(parent).SyncDirectory();
        }
    }

    private void CheckPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        UnixFileMode mode = File.GetUnixFileMode(FilePath);
        if ((mode & OthersBits) != 0)
        {
            string octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new KeyStoreException(
                $"The key file {FilePath} is accessible to other users (mode {octal}); refusing to use its keys. " +
                $"Restrict it with `chmod 600 {FilePath}`, or seal it with a passphrase (RUNNEL_KEY_PASSPHRASE or --key-passphrase-file).");
        }
    }

    private SealedKeyStore Seal(KeyStoreDocument document)
    {
        if (_salt is null || _sealKey is null)
        {
            _salt = RandomNumberGenerator.GetBytes(SaltBytes);
            _sealKey = Derive(_passphrase!, _salt, _iterations);
        }
        byte[] plain = JsonSerializer.SerializeToUtf8Bytes(document, KeyStoreJsonContext.Default.KeyStoreDocument);
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        byte[] cipher = new byte[plain.Length];
        byte[] tag = new byte[TagBytes];
        using (var aes = new AesGcm(_sealKey, TagBytes))
        {
            aes.Encrypt(nonce, plain, cipher, tag, s_sealContext);
        }
        CryptographicOperations.ZeroMemory(plain);
        return new SealedKeyStore
        {
            Iterations = _iterations,
            Salt = Convert.ToBase64String(_salt),
            Nonce = Convert.ToBase64String(nonce),
            Ciphertext = Convert.ToBase64String(cipher),
            Tag = Convert.ToBase64String(tag),
        };
    }

    private KeyStoreDocument Unseal(SealedKeyStore store)
    {
        if (_passphrase is null)
        {
            throw new KeyStoreException(
                $"The key file {FilePath} is sealed with a passphrase; give it with RUNNEL_KEY_PASSPHRASE or --key-passphrase-file.");
        }
        if (store.Kdf != "PBKDF2-HMAC-SHA256" || store.Iterations < 1)
        {
            throw new KeyStoreException($"The key file {FilePath} names an unknown key derivation ({store.Kdf}, {store.Iterations} iterations).");
        }
        byte[] salt, nonce, cipher, tag;
        try
        {
            (salt, nonce, cipher, tag) = (Convert.FromBase64String(store.Salt), Convert.FromBase64String(store.Nonce),
                Convert.FromBase64String(store.Ciphertext), Convert.FromBase64String(store.Tag));
        }
        catch (FormatException e)
        {
            throw new KeyStoreException($"The key file {FilePath} is damaged: {e.Message}", e);
        }
        if (nonce.Length != NonceBytes || tag.Length != TagBytes)
        {
            throw new KeyStoreException($"The key file {FilePath} is damaged: bad nonce or tag length.");
        }
        byte[] key = _salt is not null && _sealKey is not null && salt.AsSpan().SequenceEqual(_salt)
            ? _sealKey
            : Derive(_passphrase, salt, store.Iterations);
        byte[] plain = new byte[cipher.Length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(nonce, cipher, tag, plain, s_sealContext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KeyStoreException(
                $"The passphrase does not open the key file {FilePath}: the passphrase is wrong or the file was changed.", e);
        }
        (_salt, _sealKey) = (salt, key);
        try
        {
            return JsonSerializer.Deserialize(plain, KeyStoreJsonContext.Default.KeyStoreDocument)
                ?? throw new KeyStoreException($"The key file {FilePath} holds no keys.");
        }
        catch (JsonException e)
        {
            throw new KeyStoreException($"The key file {FilePath} is damaged: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Derive(string passphrase, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);

    private (long Length, DateTime WrittenUtc) Stamp()
    {
        var info = new FileInfo(FilePath);
        return (info.Length, info.LastWriteTimeUtc);
    }
}
