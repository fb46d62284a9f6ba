using System.Net;
using System.Net.Sockets;
using Runnel.Testing;

namespace Runnel.Server.Tests.Security;

/// <summary>The client-network allow-list and the bind addresses, through a running server.</summary>
public class NetworkAllowListTests
{
    [Fact]
    public async Task Connect_FromOutsideTheAllowList_IsClosedBeforeAnyAnswer()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with
        {
            Host = "127.0.0.1",
            AllowedNetworks = ["10.0.0.0/8"],
        });
        using HttpClient client = ServerFixture.PlainClient();

        await AssertRefusedAsync(() => client.GetAsync(new Uri(server.PlainEndpoint!, "/health")));
        await AssertRefusedAsync(() => GetTlsHealthAsync(server));
        Assert.True(server.RefusedConnections >= 2);

        // A raw socket sees the connection closed without a byte, even after sending a request line.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.PlainEndpoint!.Port);
            await socket.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None);
            byte[] buffer = new byte[64];
            Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None));
        }
        catch (SocketException)
        {
            // reset by the server: also refused
        }
    }

    [Fact]
    public async Task Connect_FromAnAllowedNetwork_IsServed()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with
        {
            Host = "127.0.0.1",
            AllowedNetworks = ["10.0.0.0/8", "127.0.0.0/8"],
        });
        using HttpClient client = ServerFixture.PlainClient();

        using HttpResponseMessage response = await client.GetAsync(new Uri(server.PlainEndpoint!, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, server.RefusedConnections);
    }

    [Fact]
    public async Task Hosts_TwoAddresses_BothServedAndFilteredEach()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(ServerFixture.Options(directory.Path) with
        {
            Hosts = ["127.0.0.1", "::1"],
            TlsPort = null,
            AllowedNetworks = ["::1/128"],
        });
        using HttpClient client = ServerFixture.PlainClient();
        Uri v4 = server.Endpoints.Single(e => e.Host == "127.0.0.1");
        Uri v6 = server.Endpoints.Single(e => e.Host == "[::1]");

        using HttpResponseMessage served = await client.GetAsync(new Uri(v6, "/health"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        await AssertRefusedAsync(() => client.GetAsync(new Uri(v4, "/health")));
        Assert.Equal(1, server.RefusedConnections);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/40")]
    public async Task StartAsync_BadHostOrNetwork_IsRefusedWithItsName(string value)
    {
        using var directory = new TempDirectory();
        RunnelServerOptions options = value.Contains('/', StringComparison.Ordinal)
            ? ServerFixture.Options(directory.Path) with { AllowedNetworks = [value] }
            : ServerFixture.Options(directory.Path) with { Hosts = [value] };

        ArgumentException e = await Assert.ThrowsAnyAsync<ArgumentException>(() => RunnelServer.StartAsync(options));
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    /// <summary>The connection was closed or reset: the client sees a failed request, never an answer.</summary>
    private static async Task AssertRefusedAsync(Func<Task> request)
    {
        Exception e = await Assert.ThrowsAnyAsync<Exception>(request);
        Assert.True(e is HttpRequestException or IOException or SocketException, e.ToString());
    }

    /// <summary>A request to the TLS port with any certificate accepted (the allow-list refuses before TLS).</summary>
    private static async Task GetTlsHealthAsync(RunnelServer server)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == server.Certificate!.Certificate.Thumbprint;
        using var client = new HttpClient(handler);
        using HttpResponseMessage response = await client.GetAsync(new Uri(server.TlsEndpoint!, "/health"));
    }
}
