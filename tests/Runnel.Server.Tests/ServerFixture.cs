using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Testing;

namespace Runnel.Server.Tests;

/// <summary>One server on ephemeral ports over a temp data directory, shared by a test class; limits off, no delays.</summary>
#pragma warning disable CA1001 // xunit disposes fixtures through IAsyncLifetime.DisposeAsync, which removes the directory.
public sealed class ServerFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TempDirectory _directory = new();
    private RunnelServer? _server;

    public RunnelServer Server => _server ?? throw new InvalidOperationException("not started");

    public Uri Plain => Server.PlainEndpoint!;

    public Uri Tls => Server.TlsEndpoint!;

    public string DataDirectory => _directory.Path;

    /// <summary>A small body limit so the oversized-body test stays cheap.</summary>
    public const long MaxBodyBytes = 4L * 1024 * 1024;

    public static RunnelServerOptions Options(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        Port = 0,
        TlsPort = 0,
        LogLevel = LogLevel.Warning,
        Limits = new TransportLimits { MaxRequestBodyBytes = MaxBodyBytes, ShutdownTimeout = TimeSpan.FromSeconds(10) },
        Streams = new StreamsOptions
        {
            CreateStreamDelay = TimeSpan.Zero,
            DeleteStreamDelay = TimeSpan.Zero,
            UpdateStreamDelay = TimeSpan.Zero,
            LimitsEnabled = false,
        },
    };

    public async Task InitializeAsync() => _server = await RunnelServer.StartAsync(Options(_directory.Path));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _directory.Dispose();
    }

    /// <summary>A client for the plain port (HTTP/1.1 or h2c, per request).</summary>
    public static HttpClient PlainClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false });

    /// <summary>A client for the TLS port that trusts exactly the server's generated certificate, via its PEM file.</summary>
    public HttpClient TlsClient()
    {
        X509Certificate2 trusted = X509CertificateLoader.LoadCertificateFromFile(Server.Certificate!.PemPath!);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(trusted);
        return new HttpClient(handler);
    }

    /// <summary>A Kinesis request: POST / with the target and a body in the given content type.</summary>
    public static HttpRequestMessage Kinesis(Uri endpoint, string? operation, byte[] body, Version version,
        string contentType = KinesisTarget.JsonContentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (operation is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", KinesisTarget.Prefix + operation);
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123abcd");
        return request;
    }

    public static HttpRequestMessage Kinesis(Uri endpoint, string? operation, string json, Version? version = null)
        => Kinesis(endpoint, operation, System.Text.Encoding.UTF8.GetBytes(json), version ?? HttpVersion.Version11);
}
