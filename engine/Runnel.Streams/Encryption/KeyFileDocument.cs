namespace Runnel.Streams.Encryption;

/// <summary>The file <c>keys.json</c>: the key store in clear (<see cref="Plain"/>, file mode 0600) or sealed with a
/// passphrase (<see cref="Sealed"/>).</summary>
internal sealed class KeyFileDocument
{
    public int Format { get; set; } = 1;

    public KeyStoreDocument? Plain { get; set; }

    public SealedKeyStore? Sealed { get; set; }
}
