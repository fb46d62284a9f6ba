using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Runnel.Security.Tests.Authentication;

/// <summary>
/// A SigV4 signer written straight from the IAM user guide, independent of the code under test (it uses
/// <see cref="Uri.EscapeDataString(string)"/>, whose unreserved set is SigV4's), to sign the requests the verifier
/// is checked on. The request is a plain record; <see cref="ToRequest"/> turns it into what the server would see.
/// </summary>
internal sealed record TestRequest(string Method, string Path, IReadOnlyList<(string Name, string Value)> Query,
    IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string RawQuery => string.Join('&', Query.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    public Runnel.Security.Authentication.SigV4Request ToRequest()
        => new(Method, Path, RawQuery, Headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new KeyValuePair<string, IReadOnlyList<string>>(g.Key, g.Select(h => h.Value).ToArray())));

    public TestRequest WithHeader(string name, string value)
        => this with { Headers = [.. Headers.Where(h => !h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)), (name, value)] };

    public TestRequest WithoutHeader(string name)
        => this with { Headers = [.. Headers.Where(h => !h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))] };
}

internal static class ReferenceSigner
{
    public const string AccessKey = "AKIDTEST";
    public const string Secret = "secret/key+example";
    public const string Region = "us-east-1";
    public const string Service = "kinesis";

    /// <summary>Signs with an Authorization header; the request must carry host and x-amz-date already.</summary>
    public static TestRequest Sign(TestRequest request, string accessKey = AccessKey, string secret = Secret, string region = Region,
        string service = Service, string? scopeDate = null, IReadOnlyList<string>? signed = null)
    {
        // With only a Date header (RFC 1123), the string to sign carries that time in X-Amz-Date's format.
        string amzDate = request.Headers.FirstOrDefault(h => h.Name.Equals("x-amz-date", StringComparison.OrdinalIgnoreCase)).Value
            ?? DateTimeOffset.ParseExact(request.Headers.First(h => h.Name.Equals("date", StringComparison.OrdinalIgnoreCase)).Value, "r",
                CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string[] names = (signed ?? request.Headers.Select(h => h.Name.ToLowerInvariant()).Distinct().ToArray()).Order(StringComparer.Ordinal).ToArray();
        string scope = $"{scopeDate ?? amzDate[..8]}/{region}/{service}/aws4_request";
        string canonical = Canonical(request, request.Query, names);
        string signature = Signature(secret, scope, amzDate, canonical);
        return request.WithHeader("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={string.Join(';', names)}, Signature={signature}");
    }

    /// <summary>Presigns: the auth parameters go into the query; only host is signed among the headers.</summary>
    public static TestRequest Presign(TestRequest request, DateTimeOffset time, int? expires, string? token = null, string secret = Secret,
        string accessKey = AccessKey)
    {
        string amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string scope = $"{amzDate[..8]}/{Region}/{Service}/aws4_request";
        var query = request.Query.ToList();
        query.Add(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"));
        query.Add(("X-Amz-Credential", $"{accessKey}/{scope}"));
        query.Add(("X-Amz-Date", amzDate));
        if (expires is { } e)
        {
            query.Add(("X-Amz-Expires", e.ToString(CultureInfo.InvariantCulture)));
        }
        if (token is not null)
        {
            query.Add(("X-Amz-Security-Token", token));
        }
        query.Add(("X-Amz-SignedHeaders", "host"));
        string canonical = Canonical(request, query, ["host"]);
        query.Add(("X-Amz-Signature", Signature(secret, scope, amzDate, canonical)));
        return request with { Query = query };
    }

    private static string Canonical(TestRequest request, IReadOnlyList<(string Name, string Value)> query, IReadOnlyList<string> names)
    {
        string path = "/" + string.Join('/', request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString))
            + (request.Path.Length > 1 && request.Path.EndsWith('/') ? "/" : "");
        string canonicalQuery = string.Join('&', query
            .Select(p => (Name: Uri.EscapeDataString(p.Name), Value: Uri.EscapeDataString(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
        var headers = new StringBuilder();
        foreach (string name in names)
        {
            string value = string.Join(',', request.Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                .Select(h => string.Join(' ', h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))));
            headers.Append(name).Append(':').Append(value).Append('\n');
        }
        return $"{request.Method}\n{path}\n{canonicalQuery}\n{headers}\n{string.Join(';', names)}\n{Convert.ToHexStringLower(SHA256.HashData(request.Body))}";
    }

    private static string Signature(string secret, string scope, string amzDate, string canonical)
    {
        string[] parts = scope.Split('/');
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (string part in parts)
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        string stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }
}
