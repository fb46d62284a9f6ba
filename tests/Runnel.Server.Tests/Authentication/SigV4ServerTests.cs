using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Runnel.Protocol;
using Runnel.Security.Authentication;
using Runnel.Testing;

namespace Runnel.Server.Tests.Authentication;

/// <summary>A server started with <c>--auth sigv4</c> and a credentials file.</summary>
#pragma warning disable CA1001 // xunit disposes fixtures through IAsyncLifetime.DisposeAsync.
public sealed class SigV4ServerFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    public const string AccessKey = "AKIATESTALICE";
    public const string Secret = "alice/secret+key";
    public const string ReaderKey = "AKIATESTDAVE";
    public const string ReaderSecret = "dave/secret+key";
    private readonly TempDirectory _directory = new();
    private RunnelServer? _server;

    public Uri Plain => _server!.PlainEndpoint!;

    public async Task InitializeAsync()
    {
        string credentials = Path.Combine(_directory.Path, "credentials.json");
        await File.WriteAllTextAsync(credentials, $$"""
            {"principals": [
              {"accessKeyId": "{{AccessKey}}", "secretAccessKey": "{{Secret}}", "arn": "arn:aws:iam::123456789012:user/alice",
               "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}]}]},
              {"accessKeyId": "{{ReaderKey}}", "secretAccessKey": "{{ReaderSecret}}", "arn": "arn:aws:iam::123456789012:user/dave",
               "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:List*", "Resource": "*"}]}]}]}
            """);
        RunnelServerOptions options = ServerFixture.Options(Path.Combine(_directory.Path, "data"));
        _server = await RunnelServer.StartAsync(options with
        {
            Streams = options.Streams with { AccountId = "123456789012" }, // the principals' account: same-account authorization
            Authentication = AuthenticationMode.SigV4,
            CredentialsPath = credentials,
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _directory.Dispose();
    }
}

public class SigV4ServerTests(SigV4ServerFixture fixture) : IClassFixture<SigV4ServerFixture>
{
    /// <summary>A Kinesis request signed as the SDKs sign it (content-type, host, x-amz-date, x-amz-target).</summary>
    private HttpRequestMessage Signed(string operation, string json, Version version, string accessKey = SigV4ServerFixture.AccessKey,
        string secret = SigV4ServerFixture.Secret, DateTimeOffset? time = null, string hostHeader = "host")
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        string amzDate = (time ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, fixture.Plain)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KinesisTarget.JsonContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", KinesisTarget.Prefix + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var unsigned = new SigV4Request("POST", "/", "", new Dictionary<string, IReadOnlyList<string>>
        {
            [hostHeader] = [fixture.Plain.Authority],
            ["content-type"] = [KinesisTarget.JsonContentType],
            ["x-amz-date"] = [amzDate],
            ["x-amz-target"] = [KinesisTarget.Prefix + operation],
        });
        request.Headers.TryAddWithoutValidation("Authorization", SigV4Signer.Authorization(unsigned, body, accessKey, secret, "us-east-1",
            ["content-type", hostHeader, "x-amz-date", "x-amz-target"]));
        return request;
    }

    private static async Task<(HttpStatusCode Status, string Type, string Message)> SendAsync(HttpRequestMessage request)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response.StatusCode, "", text);
        }
        using JsonDocument envelope = JsonDocument.Parse(text);
        string type = envelope.RootElement.GetProperty("__type").GetString()!;
        Assert.Equal(type, response.Headers.GetValues("x-amzn-ErrorType").Single());
        return (response.StatusCode, type, envelope.RootElement.GetProperty("message").GetString()!);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task SignedRequest_ValidCredentials_Served(string version)
    {
        (HttpStatusCode status, _, string body) = await SendAsync(Signed("ListStreams", "{}", Version.Parse(version)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("StreamNames", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedRequest_ActionTheIdentityPolicyDoesNotAllow_AccessDenied()
    {
        (HttpStatusCode listed, _, _) = await SendAsync(Signed("ListStreams", "{}", HttpVersion.Version11,
            SigV4ServerFixture.ReaderKey, SigV4ServerFixture.ReaderSecret));
        Assert.Equal(HttpStatusCode.OK, listed);

        (HttpStatusCode status, string type, string message) = await SendAsync(Signed("DescribeStreamSummary", """{"StreamName": "anything"}""",
            HttpVersion.Version11, SigV4ServerFixture.ReaderKey, SigV4ServerFixture.ReaderSecret));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("AccessDeniedException", type);
        Assert.Contains("User: arn:aws:iam::123456789012:user/dave is not authorized to perform: kinesis:DescribeStreamSummary", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedRequest_AuthorityOverHttp2_Served()
    {
        // The JS SDK over HTTP/2 signs the :authority pseudo-header, not host.
        (HttpStatusCode status, _, string message) = await SendAsync(Signed("ListStreams", "{}", HttpVersion.Version20, hostHeader: ":authority"));
        Assert.True(status == HttpStatusCode.OK, message);
    }

    [Fact]
    public async Task SignedRequest_AuthorityOverHttp11_InvalidSignature()
    {
        (HttpStatusCode status, string type, _) = await SendAsync(Signed("ListStreams", "{}", HttpVersion.Version11, hostHeader: ":authority"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidSignatureException", type);
    }

    [Fact]
    public async Task SignedRequests_CreateStreamThenDescribe_Served()
    {
        (HttpStatusCode created, _, _) = await SendAsync(Signed("CreateStream", """{"StreamName":"signed","ShardCount":1}""", HttpVersion.Version11));
        Assert.Equal(HttpStatusCode.OK, created);
        (HttpStatusCode described, _, string body) = await SendAsync(Signed("DescribeStreamSummary", """{"StreamName":"signed"}""", HttpVersion.Version11));
        Assert.Equal(HttpStatusCode.OK, described);
        Assert.Contains("\"StreamName\":\"signed\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedRequest_WrongSecret_InvalidSignature()
    {
        (HttpStatusCode status, string type, string message) = await SendAsync(Signed("ListStreams", "{}", HttpVersion.Version11, secret: "wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidSignatureException", type);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedRequest_UnknownKey_UnrecognizedClient()
    {
        (HttpStatusCode status, string type, string message) = await SendAsync(Signed("ListStreams", "{}", HttpVersion.Version20, accessKey: "AKIANOBODY"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("UnrecognizedClientException", type);
        Assert.Equal("The security token included in the request is invalid.", message);
    }

    [Fact]
    public async Task SignedRequest_TenMinutesOld_SignatureExpired()
    {
        (HttpStatusCode status, string type, string message) = await SendAsync(
            Signed("ListStreams", "{}", HttpVersion.Version11, time: DateTimeOffset.UtcNow.AddMinutes(-10)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidSignatureException", type);
        Assert.StartsWith("Signature expired: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedRequest_BodyChangedAfterSigning_InvalidSignature()
    {
        using HttpRequestMessage request = Signed("ListStreams", "{}", HttpVersion.Version11);
        request.Content = new ByteArrayContent("{ }"u8.ToArray());
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KinesisTarget.JsonContentType);
        (HttpStatusCode status, string type, _) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidSignatureException", type);
    }

    [Fact]
    public async Task UnsignedRequest_MissingAuthenticationToken()
    {
        using HttpRequestMessage request = Signed("ListStreams", "{}", HttpVersion.Version11);
        request.Headers.Remove("Authorization");
        (HttpStatusCode status, string type, string message) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MissingAuthenticationTokenException", type);
        Assert.Equal("Missing Authentication Token", message);
    }

    [Fact]
    public async Task MalformedAuthorization_IncompleteSignature()
    {
        using HttpRequestMessage request = Signed("ListStreams", "{}", HttpVersion.Version11);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "a");
        (HttpStatusCode status, string type, string message) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("IncompleteSignatureException", type);
        Assert.EndsWith("Authorization=a", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WithoutSignature_Served()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.GetAsync(new Uri(fixture.Plain, "/health"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Preflight_WithoutSignature_Served()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, fixture.Plain);
        request.Headers.TryAddWithoutValidation("Origin", "http://example.com");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Options_SigV4WithoutCredentials_Rejected()
    {
        RunnelServerOptions options = ServerFixture.Options("/tmp/x") with { Authentication = AuthenticationMode.SigV4 };
        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("--credentials FILE", e.Message, StringComparison.Ordinal);
    }
}
