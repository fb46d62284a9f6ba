using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Runnel.Server.Transport;
using Runnel.Testing;

namespace Runnel.Server.Tests;

/// <summary>The transport's limits as an abusive client meets them (reliability-security.md 3.6; the harness's
/// <c>hostile</c> scenario measures the same under load and with time).</summary>
public class TransportLimitsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Headers_40KiBTotal_Answered431(int major)
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "ListStreams", "{}", major == 1 ? HttpVersion.Version11 : HttpVersion.Version20);
        for (int i = 0; i < 40; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Pad-{i:00}", new string('a', 1000));
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException e) when (major == 2)
        {
            // HTTP/2 races: when the server's SETTINGS (SETTINGS_MAX_HEADER_LIST_SIZE) reach the client before the
            // request leaves, .NET refuses the request itself, quoting the limit the server advertised; otherwise the
            // server answers 431. Either way the server's 32 KiB limit is what stopped it.
            Assert.Contains("exceeded the server limit of 32768 bytes", e.Message, StringComparison.Ordinal);
            return;
        }
        using (response)
        {
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        }
    }

    [Fact]
    public async Task Headers_16KiBTotal_Served()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "DescribeLimits", "{}");
        for (int i = 0; i < 16; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Pad-{i:00}", new string('a', 1000));
        }
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Headers_MoreThan100_Answered431()
    {
        using HttpClient client = ServerFixture.PlainClient();
        using HttpRequestMessage request = ServerFixture.Kinesis(fixture.Plain, "DescribeLimits", "{}");
        for (int i = 0; i < 110; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Many-{i:000}", "a");
        }
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task RequestLine_9KiB_Answered414()
    {
        string answer = await RawExchangeAsync(fixture.Plain, $"POST /{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 414", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentLength_1TiB_Answered413WithoutReadingBody()
    {
        string answer = await RawExchangeAsync(fixture.Plain,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n" +
            "Content-Length: 1099511627776\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("RequestEntityTooLargeException", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sniff_SilentClient_TimedOut()
    {
        var pipe = new Pipe();
        Assert.Equal(PrefaceSniffer.Verdict.TimedOut, await PrefaceSniffer.SniffAsync(pipe.Reader, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Sniff_PrefacePrefixThenSilence_TimedOut()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("PRI * HT"u8.ToArray());
        Assert.Equal(PrefaceSniffer.Verdict.TimedOut, await PrefaceSniffer.SniffAsync(pipe.Reader, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Sniff_PrefacePrefixThenClose_NotHttp2()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("PRI * HT"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        Assert.Equal(PrefaceSniffer.Verdict.NotHttp2, await PrefaceSniffer.SniffAsync(pipe.Reader, TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// A client that connects and sends nothing is closed by the server after the request-headers timeout, not after
    /// that timeout plus Kestrel's keep-alive timeout (120 s here): the wait below is far shorter than the sum.
    /// </summary>
    [Fact]
    public async Task SilentConnection_AfterHeadersTimeout_ClosedByServer()
    {
        using var directory = new TempDirectory();
        RunnelServerOptions options = ServerFixture.Options(directory.Path);
        options = options with { TlsPort = null, Limits = options.Limits with { RequestHeadersTimeout = TimeSpan.FromSeconds(1) } };
        await using RunnelServer server = await RunnelServer.StartAsync(options);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.PlainEndpoint!.Host, server.PlainEndpoint.Port);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int read;
        try
        {
            read = await socket.ReceiveAsync(new byte[64], SocketFlags.None, wait.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }
        Assert.Equal(0, read);
    }

    [Fact]
    public void Validate_DefaultLimits_Accepted() => new TransportLimits().Validate();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_NonPositiveConnectionLimit_Rejected(long connections)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new TransportLimits { MaxConcurrentConnections = connections }.Validate());

    /// <summary>Sends <paramref name="request"/> on a new connection and returns everything the server sends until it closes or 10 s pass.</summary>
    private static async Task<string> RawExchangeAsync(Uri endpoint, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                if (read == 0)
                {
                    break;
                }
                received.Write(buffer, 0, read);
                if (Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal)
                    && received.Length > 0 && HasWholeBody(Encoding.ASCII.GetString(received.ToArray())))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static bool HasWholeBody(string answer)
    {
        int end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        foreach (string line in answer[..end].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return answer.Length - end - 4 >= int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return true;
    }
}
