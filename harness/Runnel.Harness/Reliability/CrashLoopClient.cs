using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Runnel.Harness.Reliability;

/// <summary>One answer of the server: the HTTP status, and the error type and message or the JSON body.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="ErrorType">The Kinesis <c>__type</c> of an error answer (without a namespace prefix), or null.</param>
/// <param name="Message">The error message, or null.</param>
/// <param name="Body">The parsed JSON body, or null when it was empty.</param>
internal sealed record KinesisReply(int Status, string? ErrorType, string? Message, JsonObject? Body)
{
    /// <summary>True for a 200: the operation was acknowledged.</summary>
    public bool Ok => Status == 200;

    /// <inheritdoc/>
    public override string ToString() => Ok ? "200" : $"{Status} {ErrorType}: {Message}";
}

/// <summary>
/// A minimal Kinesis client for the reliability commands: awsJson1_1 over HTTP/1.1, SigV4-signed with fixed test
/// credentials (so that it keeps working once signatures are verified). A connection that dies (the server was
/// killed) surfaces as <see cref="HttpRequestException"/>: the outcome of that request is unknown.
/// </summary>
internal sealed class CrashLoopClient : IDisposable
{
    private const string AccessKeyId = "AKIDRUNNELRELIABILITY";
    private const string SecretKey = "runnel-reliability-secret";
    private const string Region = "us-east-1";
    private static readonly MediaTypeHeaderValue s_contentType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    public CrashLoopClient(Uri endpoint, TimeSpan timeout)
    {
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 })
        {
            Timeout = timeout,
        };
    }

    /// <summary>Calls <paramref name="operation"/> with <paramref name="body"/>.</summary>
    /// <exception cref="HttpRequestException">The connection failed: the outcome is unknown.</exception>
    /// <exception cref="TaskCanceledException">Timed out or cancelled: the outcome is unknown.</exception>
    public async Task<KinesisReply> CallAsync(string operation, JsonObject body, CancellationToken cancellationToken)
    {
        byte[] payload = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = s_contentType;
        string target = "Kinesis_20131202." + operation;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        Sign(request, payload, target);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonObject? json = bytes.Length == 0 ? null : JsonNode.Parse(bytes) as JsonObject;
        int status = (int)response.StatusCode;
        if (status == 200)
        {
            return new KinesisReply(status, null, null, json);
        }
        string? type = json?["__type"]?.GetValue<string>();
        if (type is not null && type.Contains('#', StringComparison.Ordinal))
        {
            type = type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..];
        }
        string? message = (json?["message"] ?? json?["Message"])?.GetValue<string>();
        return new KinesisReply(status, type, message, json);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>SigV4 over host, content-type, x-amz-date and x-amz-target (kinesis-api.md 1.6).</summary>
    private void Sign(HttpRequestMessage request, byte[] payload, string target)
    {
        DateTime now = DateTime.UtcNow;
        string amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string day = amzDate[..8];
        string host = _endpoint.Authority;
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        const string signedHeaders = "content-type;host;x-amz-date;x-amz-target";
        string canonical = string.Join('\n',
            "POST", "/", "",
            "content-type:" + s_contentType.MediaType, "host:" + host, "x-amz-date:" + amzDate, "x-amz-target:" + target, "",
            signedHeaders, Hex(SHA256.HashData(payload)));
        string scope = $"{day}/{Region}/kinesis/aws4_request";
        string toSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + SecretKey), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
        key = HMACSHA256.HashData(key, "kinesis"u8);
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        string signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
