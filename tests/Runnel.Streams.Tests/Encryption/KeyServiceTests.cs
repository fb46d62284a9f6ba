using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Testing;

namespace Runnel.Streams.Tests.Encryption;

/// <summary>The local key service: the key file's protection (mode 0600 or a passphrase), durability across
/// instances, key references, rotation and the CLI's view of changes.</summary>
public sealed class KeyServiceTests : IDisposable
{
    private const int FastIterations = 1000; // PBKDF2 cost is not under test here; the file records the count
    private readonly TempDirectory _directory = new();

    private string KeysDirectory => Path.Combine(_directory.Path, "keys");

    private string KeyFile => Path.Combine(KeysDirectory, "keys.json");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_ClearKeyFile_IsWrittenWithMode0600AndReloads()
    {
        KeyService keys = KeyService.Open(KeysDirectory, passphrase: null);
        KeyDescription created = keys.Create("alias/orders", "orders");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
        KeyService reopened = KeyService.Open(KeysDirectory, passphrase: null);
        KeyDescription loaded = reopened.Describe("alias/orders");
        string[] none = [];
        Assert.Equal(created with { Aliases = none }, loaded with { Aliases = none });
        Assert.Equal(["alias/orders"], loaded.Aliases);
        Assert.Equal("orders", reopened.Describe(created.Arn).Description);
    }

    [Fact]
    public void Open_ClearKeyFileReadableByOthers_IsRefusedWithAClearError()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        KeyService.Open(KeysDirectory, passphrase: null).Create();
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        KeyStoreException e = Assert.Throws<KeyStoreException>(() => KeyService.Open(KeysDirectory, passphrase: null));
        Assert.Contains("mode 0644", e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealed_RoundTrip_OpensWithThePassphraseOnlyAndHoldsNoClearMaterial()
    {
        KeyService keys = KeyService.Open(KeysDirectory, "correct horse", "us-east-1", "000000000000", null, FastIterations);
        KeyDescription key = keys.Create("alias/sealed");
        MasterKeyVersion material = keys.ForEncryption(key.KeyId);
        string text = File.ReadAllText(KeyFile);
        Assert.Contains("\"Sealed\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(material.Material), text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.KeyId, text, StringComparison.Ordinal);

        KeyService reopened = KeyService.Open(KeysDirectory, "correct horse");
        Assert.Equal(material.Material, reopened.ForEncryption("alias/sealed").Material);
        Assert.True(reopened.IsSealed);

        KeyStoreException wrong = Assert.Throws<KeyStoreException>(() => KeyService.Open(KeysDirectory, "wrong horse"));
        Assert.Contains("passphrase does not open", wrong.Message, StringComparison.Ordinal);
        KeyStoreException none = Assert.Throws<KeyStoreException>(() => KeyService.Open(KeysDirectory, passphrase: null));
        Assert.Contains("sealed with a passphrase", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ClearFileWithPassphrase_SealsItAtOnce()
    {
        KeyDescription key = KeyService.Open(KeysDirectory, passphrase: null).Create();
        KeyService.Open(KeysDirectory, "now sealed", "us-east-1", "000000000000", null, FastIterations);
        Assert.DoesNotContain(key.KeyId, File.ReadAllText(KeyFile), StringComparison.Ordinal);
        Assert.Equal(key.KeyId, KeyService.Open(KeysDirectory, "now sealed").Describe(key.KeyId).KeyId);
    }

    [Fact]
    public void Rotate_AddsAVersion_NewestForEncryptionOldStillForDecryption()
    {
        KeyService keys = KeyService.InMemory();
        KeyDescription key = keys.Create();
        MasterKeyVersion first = keys.ForEncryption(key.KeyId);
        KeyDescription rotated = keys.Rotate(key.KeyId);
        MasterKeyVersion second = keys.ForEncryption(key.KeyId);
        Assert.Equal((1, 2, 2), (first.Version, second.Version, rotated.CurrentVersion));
        Assert.NotEqual(first.Material, second.Material);
        Assert.Equal(first.Material, keys.ForDecryption(first.KeyId, 1).Material);
    }

    [Fact]
    public void Refresh_AnotherProcessDisablesTheKey_IsSeenAfterRefresh()
    {
        KeyService server = KeyService.Open(KeysDirectory, passphrase: null);
        KeyDescription key = server.Create("alias/shared");
        KeyService cli = KeyService.Open(KeysDirectory, passphrase: null);
        cli.Disable("alias/shared");
        Assert.Equal("Enabled", server.Describe(key.KeyId).KeyState);
        Assert.True(server.Refresh());
        Assert.Equal("Disabled", server.Describe(key.KeyId).KeyState);
        KinesisException e = Assert.Throws<KinesisException>(() => server.ForEncryption("alias/shared"));
        Assert.Equal(KinesisErrorCode.KMSDisabled, e.Code);
        Assert.False(server.Refresh());
    }

    [Theory]
    [InlineData("arn:aws:kms:eu-west-1:000000000000:alias/a", "Alias arn:aws:kms:eu-west-1:000000000000:alias/a is not found.")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b", "Key 'arn:aws:kms:us-east-1:123456789012:key/0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b' does not exist")]
    [InlineData("arn:aws:s3:::bucket", "Invalid keyId arn:aws:s3:::bucket")]
    public void Describe_OtherRegionAccountOrService_IsNotFound(string keyId, string message)
    {
        KeyService keys = KeyService.InMemory();
        keys.Create("alias/a");
        KinesisException e = Assert.Throws<KinesisException>(() => keys.Describe(keyId));
        Assert.Equal((KinesisErrorCode.KMSNotFound, message), (e.Code, e.Message));
    }

    [Fact]
    public void Create_DuplicateOrReservedAlias_IsRefused()
    {
        KeyService keys = KeyService.InMemory();
        keys.Create("alias/a");
        Assert.Throws<ArgumentException>(() => keys.Create("alias/a"));
        Assert.Throws<ArgumentException>(() => keys.Create("alias/aws/mine"));
        Assert.Throws<ArgumentException>(() => keys.Create("orders"));
        Assert.Single(keys.List());
    }
}
