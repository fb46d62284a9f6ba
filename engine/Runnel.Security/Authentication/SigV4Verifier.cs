using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Runnel.Security.Authentication;

/// <summary>
/// Verifies AWS Signature Version 4 on a request, header-signed (<c>Authorization: AWS4-HMAC-SHA256 ...</c>) or
/// presigned (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>, <c>X-Amz-SignedHeaders</c>,
/// <c>X-Amz-Signature</c>, optional <c>X-Amz-Expires</c> and <c>X-Amz-Security-Token</c> in the query), against the
/// principals of a <see cref="CredentialStore"/>, and answers as AWS does:
/// <c>MissingAuthenticationTokenException</c>, <c>IncompleteSignatureException</c>,
/// <c>UnrecognizedClientException</c> or <c>InvalidSignatureException</c>.
/// </summary>
/// <remarks>
/// Checks, in order: header and query auth not both present; the parts present; the date well formed and within
/// the clock skew (5 minutes; a presigned request is also good until <c>X-Amz-Date + X-Amz-Expires</c>); the
/// credential scope (terminator <c>aws4_request</c>, the service, the server's region, the date of
/// <c>X-Amz-Date</c>); <c>host</c> (or, over HTTP/2, <c>:authority</c>) and the date header signed; the access key known; the session token equal to the
/// principal's; <c>x-amz-content-sha256</c>, when sent, equal to the body's hash (there is no
/// <c>UNSIGNED-PAYLOAD</c> for Kinesis: the body is always hashed); and the signature, compared in constant time.
/// Thread-safe: one instance serves every request.
/// </remarks>
public sealed class SigV4Verifier
{
    /// <summary>The clock skew AWS tolerates for Kinesis.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(5);

    private const string Mismatch = "The request signature we calculated does not match the signature you provided. "
        + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private const int MaxExpiresSeconds = 604800;

    private readonly CredentialStore _credentials;
    private readonly string _region;
    private readonly string _service;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;

    /// <summary>A verifier for <paramref name="region"/> and <paramref name="service"/> on <paramref name="time"/>.</summary>
    public SigV4Verifier(CredentialStore credentials, string region, TimeProvider time, string service = "kinesis", TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(service);
        _credentials = credentials;
        _region = region;
        _service = service;
        _time = time;
        _skew = clockSkew ?? DefaultClockSkew;
        ArgumentOutOfRangeException.ThrowIfLessThan(_skew, TimeSpan.Zero, nameof(clockSkew));
    }

    /// <summary>Verifies <paramref name="request"/> with its <paramref name="body"/>; never throws on any input.</summary>
    public AuthenticationResult Verify(SigV4Request request, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? authorization = request.FirstHeader("authorization");
        bool hasHeader = !string.IsNullOrEmpty(authorization);
        bool presigned = request.QueryParameter("X-Amz-Algorithm") is not null;
        if (hasHeader && presigned)
        {
            return Fail(AuthenticationError.Invalid("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."));
        }
        if (!hasHeader && !presigned)
        {
            return Fail(AuthenticationError.Missing());
        }
        return hasHeader ? VerifyHeader(request, authorization!, body) : VerifyPresigned(request, body);
    }

    private AuthenticationResult VerifyHeader(SigV4Request request, string authorization, ReadOnlySpan<byte> body)
    {
        string? amzDate = request.FirstHeader("x-amz-date");
        string? httpDate = amzDate is null ? request.FirstHeader("date") : null;
        SigV4AuthorizationHeader? header = SigV4AuthorizationHeader.Parse(authorization, amzDate is not null || httpDate is not null, out AuthenticationError? error);
        if (header is null)
        {
            return Fail(error!);
        }
        string dateHeader = amzDate is not null ? "x-amz-date" : "date";
        if (!TryParseDate(amzDate, httpDate, out DateTimeOffset time, out error)
            || !CheckTime(time, expiresSeconds: null, out error)
            || !CheckScope(header.Credential, time, dateHeader, out error))
        {
            return Fail(error!);
        }
        if (!SignsHost(header.SignedHeaders))
        {
            return Fail(HostNotSigned());
        }
        if (!header.SignedHeaders.Contains(dateHeader))
        {
            return Fail(AuthenticationError.Incomplete(
                $"'{(amzDate is not null ? "X-Amz-Date" : "Date")}' must be a 'SignedHeader' in the AWS Authorization."));
        }
        return Check(request, body, header.Credential, header.SignedHeaders, header.SignedHeadersText, header.Signature,
            SigV4Canonical.FormatDate(time), request.FirstHeader("x-amz-security-token"), presigned: false);
    }

    private AuthenticationResult VerifyPresigned(SigV4Request request, ReadOnlySpan<byte> body)
    {
        string? algorithm = request.QueryParameter("X-Amz-Algorithm");
        string? credential = request.QueryParameter("X-Amz-Credential");
        string? signature = request.QueryParameter("X-Amz-Signature");
        string? signedHeaders = request.QueryParameter("X-Amz-SignedHeaders");
        string? amzDate = request.QueryParameter("X-Amz-Date");
        string missing = string.Concat(
            string.IsNullOrEmpty(algorithm) ? "AWS query-string parameters must include 'X-Amz-Algorithm'. " : "",
            string.IsNullOrEmpty(credential) ? "AWS query-string parameters must include 'X-Amz-Credential'. " : "",
            string.IsNullOrEmpty(signature) ? "AWS query-string parameters must include 'X-Amz-Signature'. " : "",
            string.IsNullOrEmpty(signedHeaders) ? "AWS query-string parameters must include 'X-Amz-SignedHeaders'. " : "",
            string.IsNullOrEmpty(amzDate) ? "AWS query-string parameters must include 'X-Amz-Date'. " : "");
        if (missing.Length > 0)
        {
            return Fail(AuthenticationError.Incomplete(missing + "Re-examine the query-string parameters."));
        }
        if (algorithm != SigV4AuthorizationHeader.Algorithm)
        {
            return Fail(AuthenticationError.Incomplete($"X-Amz-Algorithm only supports '{SigV4AuthorizationHeader.Algorithm}'"));
        }
        if (!CredentialScope.TryParse(credential!, out CredentialScope scope))
        {
            return Fail(CredentialScope.Malformed(credential!));
        }
        int? expires = null;
        if (request.QueryParameter("X-Amz-Expires") is { } expiresText)
        {
            if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                return Fail(AuthenticationError.Incomplete("X-Amz-Expires should be a number"));
            }
            if (seconds is < 1 or > MaxExpiresSeconds)
            {
                return Fail(AuthenticationError.Incomplete(
                    $"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than {MaxExpiresSeconds} seconds"));
            }
            expires = seconds;
        }
        if (!TryParseDate(amzDate, null, out DateTimeOffset time, out AuthenticationError? error)
            || !CheckTime(time, expires, out error)
            || !CheckScope(scope, time, "x-amz-date", out error))
        {
            return Fail(error!);
        }
        string[] names = signedHeaders!.Split(';');
        if (!SignsHost(names))
        {
            return Fail(HostNotSigned());
        }
        return Check(request, body, scope, names, signedHeaders, signature!, amzDate!,
            request.QueryParameter("X-Amz-Security-Token"), presigned: true);
    }

    /// <summary>The checks that need the principal: key, session token, body hash, signature.</summary>
    private AuthenticationResult Check(SigV4Request request, ReadOnlySpan<byte> body, CredentialScope scope, IReadOnlyList<string> signedHeaders,
        string signedHeadersText, string signature, string amzDate, string? sessionToken, bool presigned)
    {
        if (!_credentials.TryGet(scope.AccessKeyId, out Principal principal, out byte[] secret))
        {
            return Fail(AuthenticationError.Unrecognized());
        }
        if (!TokenMatches(principal.SessionToken, sessionToken))
        {
            return Fail(AuthenticationError.Unrecognized());
        }
        string payloadHash = SigV4Canonical.PayloadHash(body);
        if (request.FirstHeader("x-amz-content-sha256") is { } declared && declared != payloadHash)
        {
            return Fail(AuthenticationError.Invalid("The provided 'x-amz-content-sha256' header does not match what was computed."));
        }
        string canonical = SigV4Canonical.CanonicalRequest(request, signedHeaders, signedHeadersText, payloadHash, presigned, out bool missingHeader);
        string stringToSign = SigV4Canonical.StringToSign(amzDate, scope.Scope, canonical);
        byte[] expected = SigV4Canonical.Signature(secret, scope, stringToSign);
        bool equal = CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
        if (!equal || missingHeader)
        {
            return Fail(AuthenticationError.Invalid(
                $"{Mismatch}\n\nThe Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{stringToSign}'\n"));
        }
        return AuthenticationResult.Success(principal);
    }

    /// <summary>HTTP/1.1 clients sign <c>host</c>; HTTP/2 clients (the JS SDK) sign the <c>:authority</c> pseudo-header.</summary>
    private static bool SignsHost(IReadOnlyList<string> signedHeaders) => signedHeaders.Contains("host") || signedHeaders.Contains(":authority");

    private static AuthenticationError HostNotSigned()
        => AuthenticationError.Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    private static bool TokenMatches(string? expected, string? sent)
    {
        if (expected is null || sent is null)
        {
            return expected is null && sent is null;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(sent));
    }

    private static bool TryParseDate(string? amzDate, string? httpDate, out DateTimeOffset time, out AuthenticationError? error)
    {
        error = null;
        if (amzDate is not null)
        {
            if (DateTimeOffset.TryParseExact(amzDate, SigV4Canonical.DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
            {
                return true;
            }
        }
        else if (httpDate is not null && DateTimeOffset.TryParseExact(httpDate, "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }
        time = default;
        error = AuthenticationError.Incomplete($"Date must be in ISO-8601 'basic format'. Got '{amzDate ?? httpDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        return false;
    }

    /// <summary>Within the skew of now; a presigned request is also good until its date plus its expiry.</summary>
    private bool CheckTime(DateTimeOffset signed, int? expiresSeconds, out AuthenticationError? error)
    {
        error = null;
        DateTimeOffset now = _time.GetUtcNow();
        TimeSpan window = expiresSeconds is { } s ? TimeSpan.FromSeconds(s) : _skew;
        string minutes = expiresSeconds is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"{e} sec.")
            : string.Create(CultureInfo.InvariantCulture, $"{_skew.TotalMinutes:0.##} min.");
        if (signed < now - window)
        {
            error = AuthenticationError.Invalid(
                $"Signature expired: {SigV4Canonical.FormatDate(signed)} is now earlier than {SigV4Canonical.FormatDate(now - window)} ({SigV4Canonical.FormatDate(now)} - {minutes})");
            return false;
        }
        if (signed > now + _skew)
        {
            string skew = string.Create(CultureInfo.InvariantCulture, $"{_skew.TotalMinutes:0.##} min.");
            error = AuthenticationError.Invalid(
                $"Signature not yet current: {SigV4Canonical.FormatDate(signed)} is still later than {SigV4Canonical.FormatDate(now + _skew)} ({SigV4Canonical.FormatDate(now)} + {skew})");
            return false;
        }
        return true;
    }

    private bool CheckScope(CredentialScope scope, DateTimeOffset time, string dateHeader, out AuthenticationError? error)
    {
        error = null;
        if (scope.Terminator != "aws4_request")
        {
            error = AuthenticationError.Invalid($"Credential should be scoped with a valid terminator: 'aws4_request', not '{scope.Terminator}'.");
        }
        else if (scope.Service != _service)
        {
            error = AuthenticationError.Invalid($"Credential should be scoped to correct service: '{_service}'.");
        }
        else if (scope.Region != _region)
        {
            error = AuthenticationError.Invalid($"Credential should be scoped to a valid region, not '{scope.Region}'.");
        }
        else
        {
            string day = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            if (scope.Date != day)
            {
                error = AuthenticationError.Invalid(
                    $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{day}', from '{dateHeader}'.");
            }
        }
        return error is null;
    }

    private static AuthenticationResult Fail(AuthenticationError error) => AuthenticationResult.Failure(error);
}
