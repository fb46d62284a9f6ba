using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Runnel.Harness.Reliability;

/// <summary>One answer of the Kinesis API: the HTTP status, the error type if any, the body, the latency.</summary>
/// <param name="Status">HTTP status, or 0 when the request failed at the transport.</param>
/// <param name="ErrorType">The <c>__type</c> of an error answer (the part after <c>#</c>), or the transport failure.</param>
/// <param name="Message">The error message.</param>
/// <param name="Body">The parsed JSON body of a 200.</param>
/// <param name="Milliseconds">Time from send to the whole answer.</param>
public sealed record HostileReply(int Status, string? ErrorType, string? Message, JsonNode? Body, double Milliseconds)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool Ok => Status == 200;
}

/// <summary>
/// A small Kinesis JSON (awsJson1_1) client over <see cref="HttpClient"/>, SigV4-signed with the test credentials
/// (AKIDEXAMPLE unless AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set), for the hostile and soak scenarios: the
/// SDKs retry and hide latencies, this client shows every answer. HTTP/1.1 or h2c (prior knowledge). Thread-safe.
/// </summary>
public sealed class HostileKinesisClient : IDisposable
{
    private const string Region = "us-east-1";
    private const string Service = "kinesis";
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Version _version;
    private readonly string _accessKey;
    private readonly byte[] _secret;

    /// <summary>A client of <paramref name="endpoint"/> speaking <paramref name="version"/> (1.1, or 2.0 as h2c).</summary>
    public HostileKinesisClient(Uri endpoint, Version version, int maxConnections = 16)
    {
        _endpoint = endpoint;
        _version = version;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } key ? key : "AKIDEXAMPLE";
        string secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } s ? s : "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        _secret = Encoding.UTF8.GetBytes("AWS4" + secret);
    }

    /// <summary>Calls <paramref name="operation"/> with <paramref name="body"/>; never throws for a server or transport failure.</summary>
    public async Task<HostileReply> CallAsync(string operation, JsonObject body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using HttpRequestMessage request = Sign(operation, Encoding.UTF8.GetBytes(body.ToJsonString()));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        long start = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            JsonNode? json = null;
            try
            {
                json = bytes.Length == 0 ? null : JsonNode.Parse(bytes);
            }
            catch (System.Text.Json.JsonException)
            {
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new HostileReply(200, null, null, json, ms);
            }
            string? type = json?["__type"]?.GetValue<string>();
            type = type?[(type.IndexOf('#', StringComparison.Ordinal) + 1)..];
            string? message = (json?["message"] ?? json?["Message"])?.GetValue<string>();
            return new HostileReply((int)response.StatusCode, type ?? "HTTP " + (int)response.StatusCode, message, json, ms);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            string kind = e is OperationCanceledException && !cancellationToken.IsCancellationRequested ? "ClientTimeout" : "TransportError";
            return new HostileReply(0, kind, e.Message, null, ms);
        }
    }

    /// <summary>Starts SubscribeToShard and returns the response with its body unread (an event stream), or the error reply.</summary>
    public async Task<(HttpResponseMessage? Stream, HostileReply? Error)> SubscribeAsync(JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using HttpRequestMessage request = Sign("SubscribeToShard", Encoding.UTF8.GetBytes(body.ToJsonString()));
        long start = Stopwatch.GetTimestamp();
        try
        {
            HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (response, null);
            }
            using (response)
            {
                byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                JsonNode? json = bytes.Length == 0 ? null : JsonNode.Parse(bytes);
                string? type = json?["__type"]?.GetValue<string>();
                type = type?[(type.IndexOf('#', StringComparison.Ordinal) + 1)..];
                return (null, new HostileReply((int)response.StatusCode, type ?? "HTTP " + (int)response.StatusCode,
                    (json?["message"] ?? json?["Message"])?.GetValue<string>(), json, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            return (null, new HostileReply(0, "TransportError", e.Message, null, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }
    }

    private HttpRequestMessage Sign(string operation, byte[] payload)
    {
        DateTime now = DateTime.UtcNow;
        string amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate[..8];
        string target = "Kinesis_20131202." + operation;
        const string contentType = "application/x-amz-json-1.1";
        string host = _endpoint.IsDefaultPort ? _endpoint.Host : _endpoint.Host + ":" + _endpoint.Port.ToString(CultureInfo.InvariantCulture);
        string payloadHash = Convert.ToHexStringLower(SHA256.HashData(payload));
        const string signedHeaders = "content-type;host;x-amz-date;x-amz-target";
        string canonical = $"POST\n/\n\ncontent-type:{contentType}\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n{signedHeaders}\n{payloadHash}";
        string scope = $"{date}/{Region}/{Service}/aws4_request";
        string toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        byte[] key = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
        key = HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
        string signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Version = _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={_accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return request;
    }

    /// <summary>Waits until DescribeStreamSummary says ACTIVE (or 60 s pass).</summary>
    public async Task<bool> WaitActiveAsync(string stream, CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(60))
        {
            HostileReply reply = await CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = stream }, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            if (reply.Ok && reply.Body?["StreamDescriptionSummary"]?["StreamStatus"]?.GetValue<string>() == "ACTIVE")
            {
                return true;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
