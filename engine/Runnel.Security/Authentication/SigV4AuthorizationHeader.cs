namespace Runnel.Security.Authentication;

/// <summary>
/// A parsed SigV4 <c>Authorization</c> header:
/// <c>AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request, SignedHeaders=a;b, Signature=hex</c>.
/// Parsing is total: any string gives either a value or AWS's <c>IncompleteSignatureException</c> message, never an
/// exception, in time linear in the header's length.
/// </summary>
public sealed class SigV4AuthorizationHeader
{
    /// <summary>The only algorithm AWS clients use.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    private SigV4AuthorizationHeader(CredentialScope credential, string signedHeaders, string signature)
    {
        Credential = credential;
        SignedHeadersText = signedHeaders;
        SignedHeaders = signedHeaders.Split(';');
        Signature = signature;
    }

    /// <summary>The credential: access key id and scope.</summary>
    public CredentialScope Credential { get; }

    /// <summary>The signed header names as sent (<c>host;x-amz-date</c>).</summary>
    public string SignedHeadersText { get; }

    /// <summary>The signed header names, in the order sent.</summary>
    public IReadOnlyList<string> SignedHeaders { get; }

    /// <summary>The signature as sent (64 lowercase hex digits when well formed).</summary>
    public string Signature { get; }

    /// <summary>Parses a header value; false (never an exception) when it is not a complete SigV4 header.</summary>
    public static bool TryParse(ReadOnlySpan<char> header, out SigV4AuthorizationHeader? value)
    {
        value = Parse(header.ToString(), hasDateHeader: true, out _);
        return value is not null;
    }

    /// <summary>
    /// Parses a header value, or gives the <c>IncompleteSignatureException</c> AWS answers: each missing part named
    /// (and the missing date header when <paramref name="hasDateHeader"/> is false), a token without <c>=</c>, a
    /// credential without five parts, or an unsupported algorithm.
    /// </summary>
    internal static SigV4AuthorizationHeader? Parse(string header, bool hasDateHeader, out AuthenticationError? error)
    {
        error = null;
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string algorithm = space < 0 ? header : header[..space];
        string? credential = null, signedHeaders = null, signature = null;
        if (space >= 0)
        {
            foreach (string token in header[(space + 1)..].Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = token.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    error = AuthenticationError.Incomplete($"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.");
                    return null;
                }
                string value = token[(equals + 1)..];
                switch (token.AsSpan(0, equals))
                {
                    case "Credential":
                        credential = value;
                        break;
                    case "SignedHeaders":
                        signedHeaders = value;
                        break;
                    case "Signature":
                        signature = value;
                        break;
                    default:
                        break;
                }
            }
        }
        string missing = string.Concat(
            string.IsNullOrEmpty(credential) ? "Authorization header requires 'Credential' parameter. " : "",
            string.IsNullOrEmpty(signature) ? "Authorization header requires 'Signature' parameter. " : "",
            string.IsNullOrEmpty(signedHeaders) ? "Authorization header requires 'SignedHeaders' parameter. " : "",
            hasDateHeader ? "" : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        if (missing.Length > 0)
        {
            error = AuthenticationError.Incomplete(missing + "Authorization=" + header);
            return null;
        }
        if (algorithm != Algorithm)
        {
            error = AuthenticationError.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'.");
            return null;
        }
        if (!CredentialScope.TryParse(credential!, out CredentialScope scope))
        {
            error = CredentialScope.Malformed(credential!);
            return null;
        }
        return new SigV4AuthorizationHeader(scope, signedHeaders!, signature!);
    }
}
