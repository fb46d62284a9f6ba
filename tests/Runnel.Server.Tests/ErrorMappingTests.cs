using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Runnel.Server.Tests;

public class ErrorMappingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Serialization = "SerializationException";

    [Theory]
    [InlineData("MadeUpOperation")]
    [InlineData("")]
    public async Task UnknownTarget_Returns400UnknownOperation(string operation)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, operation, "{}"));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "UnknownOperationException");
    }

    [Fact]
    public async Task MissingTarget_Returns400UnknownOperation()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, null, "{}"));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "UnknownOperationException");
    }

    [Fact]
    public async Task WrongServicePrefix_Returns400UnknownOperation()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, null, "{}");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.ListTables");
        using HttpResponseMessage response = await client.SendAsync(request);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "UnknownOperationException");
    }

    [Fact]
    public async Task UnsupportedContentType_Returns404UnknownOperation()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "ListStreams", "{}");
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        using HttpResponseMessage response = await client.SendAsync(request);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.NotFound, "UnknownOperationException");
    }

    [Fact]
    public async Task GetRoot_Returns405WithAllow()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.GetAsync(fixture.Plain);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.MethodNotAllowed, "UnknownOperationException");
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task PostOtherPath_Returns404()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(new Uri(fixture.Plain, "/elsewhere"), "ListStreams", "{}"));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.NotFound, "UnknownOperationException");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"Limit\": }")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"Limit\": 1} trailing")]
    [InlineData("{\"Limit\": \"ten\"}")]
    [InlineData("{\"Limit\": true}")]
    [InlineData("{\"Limit\": 99999999999}")]
    [InlineData("{\"ExclusiveStartStreamName\": 7}")]
    [InlineData("{\"ExclusiveStartStreamName\": {}}")]
    [InlineData("{'Limit': 1}")]
    public async Task MalformedJson_Returns400Serialization(string body)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "ListStreams", body));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, Serialization);
    }

    [Fact]
    public async Task InvalidUtf8_Returns400Serialization()
    {
        byte[] body = [.. "{\"ExclusiveStartStreamName\": \""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8];
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "ListStreams", body, HttpVersion.Version11));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, Serialization);
    }

    [Fact]
    public async Task InvalidUtf8InCborText_Returns400()
    {
        byte[] body = [0xA1, 0x78, 24, .. "ExclusiveStartStreamName"u8, 0x63, 0xC3, 0x28, 0xFF];
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(
            ServerFixture.Kinesis(fixture.Plain, "ListStreams", body, HttpVersion.Version11, "application/x-amz-cbor-1.1"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task DeepNesting_Returns400Serialization(int depth)
    {
        string body = "{\"Tags\":" + new string('[', depth) + new string(']', depth) + "}";
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "ListStreams", body));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, Serialization);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("abc")]
    public async Task BadBase64_Returns400Serialization(string data)
    {
        using HttpClient client = ServerFixture.PlainClient();
        string body = $$"""{"StreamName":"any","PartitionKey":"k","Data":"{{data}}"}""";
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "PutRecord", body));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, Serialization);
    }

    [Fact]
    public async Task MalformedCbor_Returns400SerializationInCbor()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(
            ServerFixture.Kinesis(fixture.Plain, "ListStreams", [0xBF, 0x61], HttpVersion.Version11, "application/x-amz-cbor-1.1"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-amz-cbor-1.1", response.Content.Headers.ContentType!.MediaType);
        var reader = new System.Formats.Cbor.CborReader(await response.Content.ReadAsByteArrayAsync());
        reader.ReadStartMap();
        Assert.Equal("__type", reader.ReadTextString());
        Assert.Equal(Serialization, reader.ReadTextString());
    }

    [Fact]
    public async Task EmptyBody_ListStreams_Succeeds()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "ListStreams", ""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EmptyBody_CreateStream_Returns400Validation()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "CreateStream", ""));
        string message = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "ValidationException");
        Assert.Contains("streamName", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public async Task OversizedBody_Returns413(int major, bool withLength)
    {
        var version = major == 1 ? HttpVersion.Version11 : HttpVersion.Version20;
        byte[] body = Encoding.ASCII.GetBytes("{\"Pad\":\"" + new string('x', (int)ServerFixture.MaxBodyBytes) + "\"}");
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "ListStreams", body, version);
        if (!withLength)
        {
            request.Content = new StreamContent(new MemoryStream(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
            request.Headers.TransferEncodingChunked = true;
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close before the client finishes sending; HTTP/1.1 clients then see a reset.
            return;
        }
        using (response)
        {
            await ErrorEnvelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLargeException");
        }
    }

    [Fact]
    public async Task KinesisError_NotFound_EnvelopeAndHeader()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(
            ServerFixture.Kinesis(fixture.Plain, "DescribeStream", "{\"StreamName\":\"no-such-stream\"}", HttpVersion.Version20));
        string message = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "ResourceNotFoundException");
        Assert.Contains("no-such-stream", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_OriginAndPreflight_Answered()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, fixture.Plain);
        preflight.Headers.TryAddWithoutValidation("Origin", "http://example.test");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        using HttpResponseMessage response = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("172800", Assert.Single(response.Headers.GetValues("Access-Control-Max-Age")));
    }
}
