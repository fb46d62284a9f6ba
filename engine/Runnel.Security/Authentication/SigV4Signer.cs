using System.Text;

namespace Runnel.Security.Authentication;

/// <summary>
/// Signs requests with SigV4 as the AWS SDKs do, for in-process callers of a server started with
/// <c>--auth sigv4</c> (tests, the harness). The same canonical forms as <see cref="SigV4Verifier"/>.
/// </summary>
public static class SigV4Signer
{
    /// <summary>
    /// The <c>Authorization</c> header value for <paramref name="request"/>, which must already carry the headers it
    /// signs, among them <c>host</c> and <c>x-amz-date</c> (and <c>x-amz-security-token</c> for session credentials).
    /// </summary>
    /// <param name="request">The request, without its <c>Authorization</c> header.</param>
    /// <param name="body">The body as sent.</param>
    /// <param name="accessKeyId">The access key id.</param>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <param name="region">The region of the scope.</param>
    /// <param name="signedHeaders">The lowercase names of the headers to sign.</param>
    /// <param name="service">The service of the scope.</param>
    public static string Authorization(SigV4Request request, ReadOnlySpan<byte> body, string accessKeyId, string secretAccessKey,
        string region, IEnumerable<string> signedHeaders, string service = "kinesis")
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signedHeaders);
        string amzDate = request.FirstHeader("x-amz-date") ?? throw new ArgumentException("The request has no x-amz-date header.", nameof(request));
        string[] names = signedHeaders.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
        string signedText = string.Join(';', names);
        var scope = new CredentialScope(accessKeyId, amzDate[..8], region, service, "aws4_request");
        string canonical = SigV4Canonical.CanonicalRequest(request, names, signedText, SigV4Canonical.PayloadHash(body), excludeSignatureParameter: false, out _);
        string stringToSign = SigV4Canonical.StringToSign(amzDate, scope.Scope, canonical);
        byte[] signature = SigV4Canonical.Signature(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), scope, stringToSign);
        return $"{SigV4AuthorizationHeader.Algorithm} Credential={accessKeyId}/{scope.Scope}, SignedHeaders={signedText}, Signature={Encoding.ASCII.GetString(signature)}";
    }
}
