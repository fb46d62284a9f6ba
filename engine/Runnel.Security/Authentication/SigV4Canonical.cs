using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Runnel.Security.Authentication;

/// <summary>
/// The canonical forms of SigV4 (IAM user guide, "Create a signed AWS API request"): the URI-encoding, the
/// canonical URI (dot segments and empty segments removed, then every byte but the unreserved ones and <c>/</c>
/// encoded, so an already-encoded path is encoded a second time, as the SDKs sign every service but S3), the
/// sorted canonical query, the canonical headers (trimmed values, runs of spaces collapsed, repeated headers joined
/// with commas), the string to sign and the signing key. Pure functions shared by the verifier and the signer.
/// </summary>
internal static class SigV4Canonical
{
    /// <summary>The timestamp format of <c>X-Amz-Date</c>, ISO 8601 basic.</summary>
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>The canonical request, without its signature: method, URI, query, headers, signed names, payload hash.</summary>
    public static string CanonicalRequest(SigV4Request request, IReadOnlyList<string> signedHeaders, string signedHeadersText,
        string payloadHash, bool excludeSignatureParameter, out bool missingHeader)
    {
        var builder = new StringBuilder(256);
        builder.Append(request.Method).Append('\n');
        builder.Append(CanonicalUri(request.Path)).Append('\n');
        builder.Append(CanonicalQuery(request.QueryParameters, excludeSignatureParameter)).Append('\n');
        missingHeader = false;
        foreach (string name in signedHeaders)
        {
            IReadOnlyList<string>? values = request.Header(name);
            missingHeader |= values is null;
            builder.Append(name).Append(':');
            if (values is not null)
            {
                for (int i = 0; i < values.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }
                    AppendTrimmed(builder, values[i]);
                }
            }
            builder.Append('\n');
        }
        builder.Append('\n').Append(signedHeadersText).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    /// <summary><c>AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{hex(sha256(canonicalRequest))}</c>.</summary>
    public static string StringToSign(string amzDate, string scope, string canonicalRequest)
        => $"{SigV4AuthorizationHeader.Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>The signature, as lowercase hex ASCII bytes: HMAC of the string to sign with the derived key.</summary>
    public static byte[] Signature(ReadOnlySpan<byte> aws4Secret, CredentialScope scope, string stringToSign)
    {
        Span<byte> key = stackalloc byte[32];
        HMACSHA256.HashData(aws4Secret, Encoding.UTF8.GetBytes(scope.Date), key);
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Region), key);
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Service), key);
        HMACSHA256.HashData(key, "aws4_request"u8, key);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign), mac);
        CryptographicOperations.ZeroMemory(key);
        return Encoding.ASCII.GetBytes(Hex(mac));
    }

    /// <summary>Lowercase hex of the SHA-256 of <paramref name="body"/>.</summary>
    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));

    /// <summary>Lowercase hex.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The canonical URI of a raw path: normalized, then URI-encoded (slashes kept).</summary>
    public static string CanonicalUri(string rawPath)
    {
        var segments = new List<string>();
        foreach (string segment in rawPath.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
        string normalized = "/" + string.Join('/', segments) + (segments.Count > 0 && rawPath.EndsWith('/') ? "/" : "");
        return UriEncode(Encoding.UTF8.GetBytes(normalized), keepSlash: true);
    }

    /// <summary>The canonical query: parameters URI-encoded, sorted by name then value, joined with <c>&amp;</c>.</summary>
    public static string CanonicalQuery(IReadOnlyList<KeyValuePair<byte[], byte[]>> parameters, bool excludeSignature)
    {
        var encoded = new List<(string Name, string Value)>(parameters.Count);
        foreach ((byte[] name, byte[] value) in parameters)
        {
            if (excludeSignature && name.AsSpan().SequenceEqual("X-Amz-Signature"u8))
            {
                continue;
            }
            encoded.Add((UriEncode(name, keepSlash: false), UriEncode(value, keepSlash: false)));
        }
        encoded.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>Encodes every byte but <c>A-Z a-z 0-9 - _ . ~</c> (and <c>/</c> when kept) as <c>%XX</c>, uppercase.</summary>
    public static string UriEncode(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var builder = new StringBuilder(bytes.Length + 8);
        foreach (byte b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (keepSlash && b == '/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }
        return builder.ToString();
    }

    /// <summary>Percent-decodes to bytes (UTF-8 for the other characters); a <c>%</c> not followed by two hex digits stays.</summary>
    public static byte[] PercentDecode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(utf8.Length);
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == '%' && i + 2 < utf8.Length && IsHex(utf8[i + 1]) && IsHex(utf8[i + 2]))
            {
                output.Add(byte.Parse(Encoding.ASCII.GetString(utf8, i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                output.Add(utf8[i]);
            }
        }
        return [.. output];
    }

    /// <summary>Formats a time as <c>X-Amz-Date</c> does.</summary>
    public static string FormatDate(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static void AppendTrimmed(StringBuilder builder, string value)
    {
        ReadOnlySpan<char> trimmed = value.AsSpan().Trim(" \t");
        bool lastWasSpace = false;
        foreach (char c in trimmed)
        {
            bool space = c is ' ' or '\t';
            if (space && lastWasSpace)
            {
                continue;
            }
            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
        }
    }
}
