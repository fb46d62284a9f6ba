using System.Security.Cryptography;

namespace Runnel.Streams.Iterators;

/// <summary>
/// Signs and checks opaque tokens (shard iterators, list NextTokens) with HMAC-SHA256 truncated to 16 bytes, so
/// that a client cannot forge or alter a position. Tokens are standard base64. Thread-safe.
/// </summary>
internal sealed class TokenSigner(byte[] key)
{
    public const int TagLength = 16;

    public string Sign(ReadOnlySpan<byte> payload)
    {
        byte[] token = new byte[payload.Length + TagLength];
        payload.CopyTo(token);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, payload, mac);
        mac[..TagLength].CopyTo(token.AsSpan(payload.Length));
        return Convert.ToBase64String(token);
    }

    /// <summary>The payload of a genuine token; null when it is malformed or its tag does not match.</summary>
    public byte[]? Open(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return null;
        }
        byte[] bytes = new byte[(token.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(token, bytes, out int length) || length <= TagLength)
        {
            return null;
        }
        ReadOnlySpan<byte> payload = bytes.AsSpan(0, length - TagLength);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, payload, mac);
        return CryptographicOperations.FixedTimeEquals(mac[..TagLength], bytes.AsSpan(length - TagLength, TagLength))
            ? payload.ToArray()
            : null;
    }
}
