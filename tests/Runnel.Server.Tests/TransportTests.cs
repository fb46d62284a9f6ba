using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Runnel.Server.Tls;
using Runnel.Testing;

namespace Runnel.Server.Tests;

public class TransportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PlainPort_Http11AndH2c_BothServedOnSamePort()
    {
        using HttpClient client = ServerFixture.PlainClient();
        foreach (Version version in new[] { HttpVersion.Version11, HttpVersion.Version20, HttpVersion.Version11, HttpVersion.Version20 })
        {
            using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Plain, "ListStreams", "{}", version));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
            Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task TlsPort_GeneratedCertificate_NegotiatesByAlpn(int major)
    {
        var version = new Version(major, major == 1 ? 1 : 0);
        using HttpClient client = fixture.TlsClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(fixture.Tls, "ListStreams", "{}", version));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(version, response.Version);
    }

    [Fact]
    public void GeneratedCertificate_KeptInDataDirectory_NamesLoopback()
    {
        ServerCertificate certificate = fixture.Server.Certificate!;
        Assert.True(certificate.Generated);
        Assert.Equal(Path.Combine(fixture.DataDirectory, CertificateStore.PfxFileName), certificate.Path);
        Assert.True(File.Exists(certificate.PemPath));
        string names = certificate.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false);
        Assert.Contains("localhost", names, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", names, StringComparison.Ordinal);
        Assert.Equal("CN=localhost", certificate.Certificate.Subject);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate.Path));
        }
    }

    [Fact]
    public async Task Health_Get_ReportsOkAndStreamCount()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.GetAsync(new Uri(fixture.Plain, "/health"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.True(health.RootElement.GetProperty("streams").GetInt32() >= 0);
    }

    [Fact]
    public async Task Restart_SameDataDirectory_ReusesCertificateAndStreams()
    {
        using var directory = new TempDirectory();
        RunnelServerOptions options = ServerFixture.Options(directory.Path) with { InitialStreams = [new StreamSeed("seeded", 2)] };
        string thumbprint;
        await using (RunnelServer first = await RunnelServer.StartAsync(options))
        {
            thumbprint = first.Certificate!.Certificate.Thumbprint;
        }
        await using RunnelServer second = await RunnelServer.StartAsync(options);
        Assert.Equal(thumbprint, second.Certificate!.Certificate.Thumbprint);
        using HttpClient client = ServerFixture.PlainClient();
        using HttpResponseMessage response = await client.SendAsync(ServerFixture.Kinesis(second.PlainEndpoint!, "ListStreams", "{}"));
        using JsonDocument list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("seeded", Assert.Single(list.RootElement.GetProperty("StreamNames").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task TlsOnly_NoPlainEndpoint()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with { TlsOnly = true });
        Assert.Null(server.PlainEndpoint);
        Assert.NotNull(server.TlsEndpoint);
    }

    [Fact]
    public async Task Stop_RequestInFlight_Finishes()
    {
        using var directory = new TempDirectory();
        RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path));
        using HttpClient client = ServerFixture.PlainClient();
        using var gate = new SlowContent(64 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, server.PlainEndpoint) { Content = gate, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.ListStreams");
        Task<HttpResponseMessage> sending = client.SendAsync(request);
        await gate.Started.Task;
        Task stopping = server.StopAsync();
        await Task.Delay(200);
        gate.Release.SetResult();
        using HttpResponseMessage response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stopping;
    }
}
