using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// The load generator's Kinesis client: awsJson1_1 over HTTP/1.1 (what boto3 and the CLI speak), each call signed
/// with SigV4 (<c>SigV4Signer</c>) and dummy credentials, which every target accepts. Pre-built request
/// bodies (<see cref="SignedBody"/>) keep their payload signature for the second it was made in, so the generator
/// does not hash 0.7 MB per call on the cores the targets need. Thread-safe.
/// </summary>
public sealed class PeerKinesisClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _host;

    /// <summary>A client of <paramref name="endpoint"/> with up to <paramref name="connections"/> keep-alive connections.</summary>
    public PeerKinesisClient(Uri endpoint, int connections)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _host = endpoint.Authority;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Calls <paramref name="operation"/> with a JSON body (signed afresh); never throws for a failure of the target.</summary>
    public Task<PeerReply> CallAsync(string operation, JsonObject body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return CallAsync(new SignedBody(operation, Encoding.UTF8.GetBytes(body.ToJsonString())), timeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/>; never throws for a failure of the target (a transport failure is status 0).</summary>
    public async Task<PeerReply> CallAsync(SignedBody body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using HttpRequestMessage request = Request(body);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK
                ? new PeerReply(200, bytes, null)
                : new PeerReply((int)response.StatusCode, bytes, ErrorType(bytes) ?? "HTTP " + (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            return new PeerReply(0, [], e is OperationCanceledException ? "ClientTimeout" : "TransportError: " + e.Message);
        }
    }

    /// <summary>
    /// Sends a GetRecords <paramref name="body"/> and parses a 200 answer (<see cref="KinesisAnswers.ParseGetRecords"/>)
    /// while it sits in a pooled buffer of its Content-Length: a page is up to ~14 MB, and a fresh array per page (what
    /// <see cref="CallAsync(SignedBody, TimeSpan, CancellationToken)"/> returns) costs the generator more than parsing it.
    /// The reply of a parsed page has an empty body; any other answer comes whole, as from CallAsync.
    /// </summary>
    public async Task<(PeerReply Reply, GetRecordsPage? Page)> GetRecordsAsync(SignedBody body, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(body);
        using HttpRequestMessage request = Request(body);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentLength is not long length || length > Array.MaxLength)
            {
                byte[] bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.OK
                    ? (new PeerReply(200, bytes, null), KinesisAnswers.ParseGetRecords(bytes))
                    : (new PeerReply((int)response.StatusCode, bytes, ErrorType(bytes) ?? "HTTP " + (int)response.StatusCode), null);
            }
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                Stream content = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                await content.ReadExactlyAsync(buffer.AsMemory(0, (int)length), deadline.Token).ConfigureAwait(false);
                return (new PeerReply(200, [], null), KinesisAnswers.ParseGetRecords(buffer.AsSpan(0, (int)length)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return (new PeerReply(0, [], e is OperationCanceledException ? "ClientTimeout" : "TransportError: " + e.Message), null);
        }
    }

    /// <summary>The <c>__type</c> of an error body (the part after <c>#</c>), or null when there is none.</summary>
    public static string? ErrorType(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("__type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    string type = reader.GetString()!;
                    return type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..];
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(SignedBody body)
    {
        DateTime now = DateTime.UtcNow;
        (string amzDate, string authorization) = body.Signature(now, _host);
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body.Payload),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KinesisTarget.JsonContentType);
        request.Headers.Host = _host;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", body.Target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }
}
