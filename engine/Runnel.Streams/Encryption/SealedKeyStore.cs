namespace Runnel.Streams.Encryption;

/// <summary>A key store sealed with a passphrase: PBKDF2-HMAC-SHA256 derives a 256-bit key from the passphrase and
/// <see cref="Salt"/>; AES-256-GCM encrypts the store's JSON. Byte fields are base64.</summary>
internal sealed class SealedKeyStore
{
    public string Kdf { get; set; } = "PBKDF2-HMAC-SHA256";

    public int Iterations { get; set; }

    public string Salt { get; set; } = "";

    public string Nonce { get; set; } = "";

    public string Ciphertext { get; set; } = "";

    public string Tag { get; set; } = "";
}
