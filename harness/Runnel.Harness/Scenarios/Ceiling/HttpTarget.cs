using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Runnel.Harness.Reliability;
using Runnel.Model;
using Runnel.Security.Authentication;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// A server over HTTP: a <c>runnel serve --limits off</c> child process of the built CLI on a fresh data directory
/// (or a running server at an endpoint), loaded with awsJson1_1 PutRecords over HTTP/1.1 (one keep-alive connection
/// per producer), each request SigV4-signed with <see cref="SigV4Signer"/> and dummy keys, as the SDKs sign.
/// Thread-safe: producers share the client.
/// </summary>
public sealed partial class HttpTarget : ICeilingTarget
{
    private const string Region = "us-east-1";
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string ContentType = "application/x-amz-json-1.1";
    private static readonly string[] s_signedHeaders = ["content-type", "host", "x-amz-date", "x-amz-target"];

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _host;
    private readonly CrashLoopServer? _server;

    private HttpTarget(Uri endpoint, CrashLoopServer? server, string? dataPath, string device)
    {
        _endpoint = endpoint;
        _server = server;
        DataPath = dataPath;
        Device = device;
        _host = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Host + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseProxy = false,
        })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public CeilingMode Mode => CeilingMode.Http;

    public int? ServerProcessId => _server?.Pid;

    public string? DataPath { get; }

    public string Device { get; }

    public long? EngineCommits => null;

    /// <summary>The endpoint loaded.</summary>
    public Uri Endpoint => _endpoint;

    /// <summary>
    /// Starts <c>runnel serve --limits off</c> (the Release build of engine/Runnel.Cli) over a new directory under
    /// <paramref name="dataRoot"/>, or, with <paramref name="endpoint"/>, uses that server.
    /// </summary>
    public static async Task<HttpTarget> StartAsync(Uri? endpoint, string dataRoot, CancellationToken cancellationToken)
    {
        if (endpoint is not null)
        {
            return new HttpTarget(endpoint, null, null, "unknown (a running server)");
        }
        string data = Path.Combine(dataRoot, "server");
        Directory.CreateDirectory(data);
        string dll = CrashLoopServer.FindServerDll(null);
        CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data,
            ["--limits", "off", "--create-stream-ms", "0", "--delete-stream-ms", "0", "--log-level", "warning"],
            wrapper: null,
            // CrashLoopServer turns tiered PGO off for a quick start; a throughput run wants the server as users run it.
            environment: new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "1" },
            logPath: Path.Combine(dataRoot, "server.log"), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Match device = DeviceLine().Match(server.Output);
        return new HttpTarget(server.Endpoint, server, data, device.Success ? device.Groups[1].Value.Trim() : "unknown");
    }

    public async Task<ICeilingStreamHandle> CreateStreamAsync(string name, CeilingWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        await CallAsync("CreateStream", Json(w =>
        {
            w.WriteString("StreamName", name);
            w.WriteNumber("ShardCount", workload.Shards);
        }), cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            using JsonDocument summary = await CallAsync("DescribeStreamSummary", Json(w => w.WriteString("StreamName", name)), cancellationToken).ConfigureAwait(false);
            if (summary.RootElement.GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString() == "ACTIVE")
            {
                break;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"stream {name} did not become ACTIVE in 2 minutes");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        return new Handle(this, name, workload);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            _server.Dispose();
        }
    }

    /// <summary>Sends one signed call; the answer body (a 200), or null with the error text.</summary>
    private async Task<(byte[]? Body, string? Error)> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        string amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string target = "Kinesis_20131202." + operation;
        var signed = new SigV4Request("POST", "/", null,
        [
            new("content-type", [ContentType]),
            new("host", [_host]),
            new("x-amz-date", [amzDate]),
            new("x-amz-target", [target]),
        ]);
        string authorization = SigV4Signer.Authorization(signed, body, AccessKey, SecretKey, Region, s_signedHeaders);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        request.Headers.Host = _host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK
                ? (answer, null)
                : (null, $"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300)))}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<JsonDocument> CallAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        (byte[]? answer, string? error) = await SendAsync(operation, body, cancellationToken).ConfigureAwait(false);
        return answer is null ? throw new InvalidOperationException($"{operation} failed: {error}") : JsonDocument.Parse(answer.Length == 0 ? "{}"u8.ToArray() : answer);
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    [GeneratedRegex(@"storage device\s+(.+)")]
    private static partial Regex DeviceLine();

    /// <summary>One stream: PutRecords bodies built once (base64 and all) and cycled through; deleting it on dispose.</summary>
    private sealed class Handle : ICeilingStreamHandle
    {
        private const int MaxDistinctBatches = 64;
        private const long MaxBodyBytes = 256L * 1024 * 1024;

        private readonly HttpTarget _target;
        private readonly string _name;
        private readonly int _shards;
        private readonly byte[][] _bodies;

        public Handle(HttpTarget target, string name, CeilingWorkload workload)
        {
            _target = target;
            _name = name;
            _shards = workload.Shards;
            long bodyBytes = (long)workload.BatchRecords * ((workload.Data.Length * 4 / 3) + 64);
            int count = (int)Math.Clamp(MaxBodyBytes / bodyBytes, 1, workload.DistinctBatches(MaxDistinctBatches));
            _bodies = new byte[count][];
            for (int b = 0; b < count; b++)
            {
                int batch = b;
                _bodies[b] = Json(w =>
                {
                    w.WriteString("StreamName", name);
                    w.WriteStartArray("Records");
                    for (int r = 0; r < workload.BatchRecords; r++)
                    {
                        w.WriteStartObject();
                        w.WriteBase64String("Data", workload.Data);
                        w.WriteString("PartitionKey", workload.Key(batch, r));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
        }

        public async Task<string?> PutAsync(int batch, CeilingLedger ledger, CancellationToken cancellationToken)
        {
            (byte[]? answer, string? error) = await _target.SendAsync("PutRecords", _bodies[batch % _bodies.Length], cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                ledger.Fail(BatchRecords(batch));
                return error;
            }
            return Account(answer, ledger);
        }

        public async Task<long> CountStoredAsync(CancellationToken cancellationToken)
        {
            long stored = 0;
            for (int shard = 0; shard < _shards; shard++)
            {
                using JsonDocument start = await _target.CallAsync("GetShardIterator", Json(w =>
                {
                    w.WriteString("StreamName", _name);
                    w.WriteString("ShardId", new ShardId(shard).ToString());
                    w.WriteString("ShardIteratorType", "TRIM_HORIZON");
                }), cancellationToken).ConfigureAwait(false);
                string? iterator = start.RootElement.GetProperty("ShardIterator").GetString();
                while (iterator is not null)
                {
                    string current = iterator;
                    using JsonDocument page = await _target.CallAsync("GetRecords", Json(w => w.WriteString("ShardIterator", current)), cancellationToken).ConfigureAwait(false);
                    int records = page.RootElement.GetProperty("Records").GetArrayLength();
                    stored += records;
                    iterator = records > 0 && page.RootElement.TryGetProperty("NextShardIterator", out JsonElement next) ? next.GetString() : null;
                }
            }
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            (_, string? error) = await _target.SendAsync("DeleteStream", Json(w => w.WriteString("StreamName", _name)), CancellationToken.None).ConfigureAwait(false);
            if (error is not null)
            {
                Console.Error.WriteLine($"ceiling: DeleteStream {_name} failed: {error}");
            }
        }

        private int BatchRecords(int batch)
        {
            var reader = new Utf8JsonReader(_bodies[batch % _bodies.Length]);
            int records = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("PartitionKey"u8))
                {
                    records++;
                }
            }
            return records;
        }

        /// <summary>Notes each record of a PutRecords answer: its shard and counter, or its error code.</summary>
        private static string? Account(byte[] answer, CeilingLedger ledger)
        {
            var reader = new Utf8JsonReader(answer);
            string? error = null;
            Span<char> text = stackalloc char[SequenceNumber.MaxSyntacticLength];
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }
                if (reader.ValueTextEquals("SequenceNumber"u8))
                {
                    reader.Read();
                    int length = reader.CopyString(text);
                    if (SequenceNumber.TryParse(text[..length], out SequenceNumber sequence) != SequenceNumberParseStatus.Ok)
                    {
                        return $"unparsable SequenceNumber {text[..length]}";
                    }
                    ledger.Ack(sequence.ShardIndex, sequence.Counter);
                }
                else if (reader.ValueTextEquals("ErrorCode"u8))
                {
                    reader.Read();
                    ledger.Fail(1);
                    error ??= reader.GetString();
                }
            }
            return error;
        }
    }
}
