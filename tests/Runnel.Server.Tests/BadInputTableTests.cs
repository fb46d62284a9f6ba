using System.Formats.Cbor;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Protocol;

namespace Runnel.Server.Tests;

/// <summary>
/// The bad-input table (<see cref="BadInputCases"/>) sent as raw requests to the running server, each answered with
/// its exact status and <c>__type</c> (and message where fixed), in the request's encoding; plus random garbage that
/// must never produce a 500 or anything but an error envelope.
/// </summary>
public class BadInputTableTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private static readonly string[] s_fuzzedOperations = ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "CreateStream", "ListShards"];

    private string _iterator = "";

    public static TheoryData<string> Rows => BadInputCases.Names;

    public async Task InitializeAsync()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using (HttpResponseMessage created = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "CreateStream",
            $$"""{"StreamName":"{{BadInputCases.Stream}}","ShardCount":2}""")))
        {
            // The first test creates it; later ones see ResourceInUseException.
            Assert.True(created.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"CreateStream: {(int)created.StatusCode}");
        }
        for (int attempt = 0; attempt < 200; attempt++)
        {
            using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "GetShardIterator",
                $$"""{"StreamName":"{{BadInputCases.Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"""));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                _iterator = document.RootElement.GetProperty("ShardIterator").GetString()!;
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"{BadInputCases.Stream} never became readable");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Table_Rows_AtLeastSixty()
        => Assert.True(BadInputCases.All.Count >= 60, $"{BadInputCases.All.Count} rows");

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task BadRequest_FromTable_AnswersExactTypeAndStatus(string row)
    {
        BadInputCase bad = BadInputCases.All[row];
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = Build(bad);
        using HttpResponseMessage response = await client.SendAsync(request);

        (string type, string message) = await ReadEnvelopeAsync(response, bad.CborAnswer);
        Assert.True(bad.Status == response.StatusCode, $"{row}: expected {(int)bad.Status}, got {(int)response.StatusCode} {type}: {message}");
        Assert.Equal(bad.Type, type);
        Assert.Equal(bad.Type, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("x-amzn-RequestId")), out _));
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        if (bad.Message is not null)
        {
            Assert.Equal(bad.Message, message);
        }
    }

    [Property(MaxTest = 200)]
    public Property GarbageBytes_AnyOperationAndEncoding_NeverA500AndAlwaysAnEnvelope(byte[] body, bool cbor, bool http2, PositiveInt operation)
        => SendGarbageAsync(body, cbor, http2, operation.Get).GetAwaiter().GetResult().Label($"{body.Length} bytes, cbor={cbor}, h2={http2}");

    [Property(MaxTest = 200)]
    public Property JsonIshText_AnyOperationAndEncoding_NeverA500AndAlwaysAnEnvelope(bool cbor, bool http2, PositiveInt operation)
        => Prop.ForAll(JsonIsh().ToArbitrary(), text =>
            SendGarbageAsync(Encoding.UTF8.GetBytes(text), cbor, http2, operation.Get).GetAwaiter().GetResult().Label(text));

    /// <summary>Sends a body and checks the answer: never 500; any non-200 is an envelope in the request's encoding.</summary>
    private async Task<bool> SendGarbageAsync(byte[] body, bool cbor, bool http2, int operation)
    {
        string name = s_fuzzedOperations[operation % s_fuzzedOperations.Length];
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, name, body,
            http2 ? HttpVersion.Version20 : HttpVersion.Version11, cbor ? BadInputCases.Cbor : BadInputCases.Json);
        using HttpResponseMessage response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.InternalServerError)
        {
            return false;
        }
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true; // garbage that happens to be a valid request (e.g. "{}" for ListShards with no stream is not)
        }
        (string type, string message) = await ReadEnvelopeAsync(response, cbor);
        return response.StatusCode == HttpStatusCode.BadRequest && type.Length > 0 && message.Length > 0;
    }

    /// <summary>Text built from JSON tokens, well-formed or not: brackets, keys of real members, values of every type.</summary>
    private static Gen<string> JsonIsh()
    {
        Gen<string> token = Gen.Elements(
            "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "0", "-1", "1e999", "3.5", "\"AA==\"", "\"%%\"",
            "\"StreamName\"", "\"Data\"", "\"PartitionKey\"", "\"Records\"", "\"ShardIterator\"", "\"Limit\"", "\"ShardCount\"",
            "\"ShardId\"", "\"ShardIteratorType\"", "\"Timestamp\"", "\"TRIM_HORIZON\"", "\"bad-input\"", "\"\\u0000\"", "\"\\ud800\"", " ");
        return token.ArrayOf().Select(parts => string.Concat(parts));
    }

    private HttpRequestMessage Build(BadInputCase bad)
    {
        byte[] body = bad.Body;
        if (bad.ContentType != BadInputCases.Cbor && body.AsSpan().IndexOf("$ITER"u8) >= 0)
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body)
                .Replace("$ITER_TRUNCATED$", Reencode(_iterator, bytes => bytes[..^4]), StringComparison.Ordinal)
                .Replace("$ITER_SHORTENED$", _iterator[..(_iterator.Length / 2)], StringComparison.Ordinal)
                .Replace("$ITER_TAMPERED$", Reencode(_iterator, bytes =>
                {
                    bytes[20] ^= 0x01; // inside the counter: a valid-looking position, but the signature no longer matches
                    return bytes;
                }), StringComparison.Ordinal)
                .Replace("$ITER$", _iterator, StringComparison.Ordinal));
        }
        var request = new HttpRequestMessage(new HttpMethod(bad.Method), new Uri(fixture.Plain, bad.Path))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (bad.Method != "GET" || body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            if (bad.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(bad.ContentType);
            }
        }
        if (bad.Target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", bad.Target);
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123abcd");
        if (bad.ExpectContinue)
        {
            request.Headers.ExpectContinue = true;
        }
        return request;
    }

    private static string Reencode(string iterator, Func<byte[], byte[]> change)
        => Convert.ToBase64String(change(Convert.FromBase64String(iterator)));

    /// <summary>
    /// The <c>__type</c> and <c>message</c> of an error answer, checking its content type: CBOR when
    /// <paramref name="cbor"/>, JSON otherwise.
    /// </summary>
    internal static async Task<(string Type, string Message)> ReadEnvelopeAsync(HttpResponseMessage response, bool cbor)
    {
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        string? media = response.Content.Headers.ContentType?.MediaType;
        if (cbor)
        {
            Assert.Equal(KinesisTarget.CborContentType, media);
            var reader = new CborReader(body);
            string? type = null;
            string? message = null;
            int? count = reader.ReadStartMap();
            for (int i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                string key = reader.ReadTextString();
                switch (key)
                {
                    case "__type":
                        type = reader.ReadTextString();
                        break;
                    case "message":
                        message = reader.ReadTextString();
                        break;
                    default:
                        reader.SkipValue();
                        break;
                }
            }
            reader.ReadEndMap();
            Assert.Equal(0, reader.BytesRemaining);
            return (type ?? "", message ?? "");
        }
        Assert.Equal(KinesisTarget.JsonContentType, media);
        using JsonDocument document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("__type").GetString() ?? "", document.RootElement.GetProperty("message").GetString() ?? "");
    }
}
