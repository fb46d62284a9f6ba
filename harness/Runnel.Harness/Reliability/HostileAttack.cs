using System.Globalization;
using System.Text;
using Runnel.Server;

namespace Runnel.Harness.Reliability;

/// <summary>
/// One kind of abusive client: how many connections it keeps open at once, what it writes, which ends are correct
/// and by when (seconds from connect, derived from the server's <see cref="TransportLimits"/>).
/// </summary>
/// <param name="Name">Short name (table row).</param>
/// <param name="What">What the client does.</param>
/// <param name="Concurrency">Connections kept open at once, each reopened when it ends.</param>
/// <param name="Http2">Whether the server's answer is read as HTTP/2 frames.</param>
/// <param name="Expected">The acceptable ends (<see cref="HostileProbe.Ended"/> values).</param>
/// <param name="BoundSeconds">The latest acceptable end, from connect.</param>
/// <param name="BoundRule">How the bound follows from the limits.</param>
/// <param name="PauseMilliseconds">Pause between one connection's end and the next connect.</param>
/// <param name="Script">What the client writes (runs until the probe ends or the script returns).</param>
public sealed record HostileAttack(
    string Name, string What, int Concurrency, bool Http2, IReadOnlySet<string> Expected, double BoundSeconds, string BoundRule,
    int PauseMilliseconds, Func<HostileProbe, Uri, CancellationToken, Task> Script)
{
    /// <summary>Slack added to every timeout bound: Kestrel adds one 1 s heartbeat to a timeout and checks on the next
    /// (a timeout T fires between T + 1 and T + 2 s), plus 0.5 s for scheduling on a loaded 2-core machine.</summary>
    public const double HeartbeatSlackSeconds = 2.5;

    /// <summary>The attacks of a run against a server with <paramref name="limits"/>; <paramref name="slowloris"/>
    /// connections are split evenly between trickled headers and trickled bodies.</summary>
    public static IReadOnlyList<HostileAttack> All(TransportLimits limits, int slowloris)
    {
        ArgumentNullException.ThrowIfNull(limits);
        double headers = limits.RequestHeadersTimeout.TotalSeconds;
        double grace = limits.MinDataRateGracePeriod.TotalSeconds;
        double keepAlive = limits.KeepAliveTimeout.TotalSeconds;
        HashSet<string> timeout = ["HTTP 408", "close", "reset"];
        HashSet<string> closed = ["close", "reset"];
        int bigHeaderBytes = 40 * 1024;
        return
        [
            new("slowloris-headers", "request line, then headers trickled 1 byte per 200 ms", slowloris / 2, false, timeout,
                headers + HeartbeatSlackSeconds, "RequestHeadersTimeout + 2.5 s", 100, TrickleHeadersAsync),
            new("slowloris-body", "PutRecord headers with Content-Length 4096, body trickled 1 byte per 200 ms (5 B/s)", slowloris - (slowloris / 2), false, timeout,
                grace + HeartbeatSlackSeconds, "MinDataRateGracePeriod + 2.5 s (rate < MinRequestBodyDataRate)", 100, TrickleBodyAsync),
            new("huge-content-length", "PutRecord with Content-Length 1 TiB, no body", 4, false, Set("HTTP 413"),
                1, "immediate (1 s)", 250, HugeContentLengthAsync),
            new("40KB-headers", $"a request with {bigHeaderBytes / 1024} KiB of headers (40 headers of 1 KiB)", 4, false, Set("HTTP 431"),
                1, "immediate (1 s)", 250, (probe, endpoint, ct) => BigHeadersAsync(probe, endpoint, bigHeaderBytes, ct)),
            new("half-open-silent", "connects and sends nothing", 25, false, closed,
                headers + HeartbeatSlackSeconds, "RequestHeadersTimeout + 2.5 s", 100, (_, _, _) => Task.CompletedTask),
            new("half-close-mid-request", "half a request line and headers, then FIN (shutdown of the sending side)", 4, false, Set("HTTP 400", "close", "reset"),
                1, "immediate (1 s)", 250, HalfCloseAsync),
            new("h2-truncated-frame", "h2c preface, then 5 of a frame header's 9 bytes, then silence", 10, true, closed.Union(["GOAWAY NO_ERROR", "GOAWAY PROTOCOL_ERROR"]).ToHashSet(),
                keepAlive + HeartbeatSlackSeconds, "KeepAliveTimeout + 2.5 s (Kestrel's idle HTTP/2 connection)", 100, TruncatedFrameAsync),
            new("h2-huge-frame-length", "h2c preface, SETTINGS, then a DATA frame header announcing 16 MiB - 1", 4, true, Set("GOAWAY FRAME_SIZE_ERROR"),
                1, "immediate (1 s)", 250, HugeFrameAsync),
            new("h2-garbage-hpack", "h2c preface, SETTINGS, then HEADERS (END_HEADERS) whose block is 0xFF bytes", 4, true, Set("GOAWAY COMPRESSION_ERROR"),
                1, "immediate (1 s)", 250, GarbageHpackAsync),
            new("h2-settings-flood", "h2c preface, then 20,000 empty SETTINGS frames as fast as the socket takes them", 2, true,
                Set("GOAWAY ENHANCE_YOUR_CALM", "close", "reset", "every SETTINGS acknowledged"), 10, "10 s", 500, SettingsFloodAsync),
        ];
    }

    private static HashSet<string> Set(params string[] outcomes) => new(outcomes, StringComparer.Ordinal);

    private static string Host(Uri endpoint) => endpoint.Host + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task TrickleHeadersAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        byte[] head = Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: {Host(endpoint)}\r\n");
        if (!await probe.SendAsync(head, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        byte[] slow = Encoding.ASCII.GetBytes("X-Slow: " + new string('a', 4000));
        await TrickleAsync(probe, slow, cancellationToken).ConfigureAwait(false);
    }

    private static async Task TrickleBodyAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        byte[] head = Encoding.ASCII.GetBytes(
            $"POST / HTTP/1.1\r\nHost: {Host(endpoint)}\r\nContent-Type: application/x-amz-json-1.1\r\n" +
            "X-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: 4096\r\n\r\n");
        if (!await probe.SendAsync(head, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        await TrickleAsync(probe, Encoding.ASCII.GetBytes("{\"StreamName\":\"hostile\",\"PartitionKey\":\"k\",\"Data\":\"" + new string('A', 4000)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task TrickleAsync(HostileProbe probe, byte[] bytes, CancellationToken cancellationToken)
    {
        for (int i = 0; i < bytes.Length && !probe.Ended.IsCompleted; i++)
        {
            if (!await probe.SendAsync(bytes.AsMemory(i, 1), cancellationToken).ConfigureAwait(false))
            {
                return;
            }
            try
            {
                await Task.WhenAny(probe.Ended, Task.Delay(200, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static Task<bool> HugeContentLengthAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
        => probe.SendAsync(Encoding.ASCII.GetBytes(
            $"POST / HTTP/1.1\r\nHost: {Host(endpoint)}\r\nContent-Type: application/x-amz-json-1.1\r\n" +
            "X-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: 1099511627776\r\n\r\n"), cancellationToken);

    private static Task<bool> BigHeadersAsync(HostileProbe probe, Uri endpoint, int totalBytes, CancellationToken cancellationToken)
    {
        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"POST / HTTP/1.1\r\nHost: {Host(endpoint)}\r\nContent-Type: application/x-amz-json-1.1\r\n");
        request.Append("X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\n");
        for (int i = 0; i < totalBytes / 1024; i++)
        {
            request.Append(CultureInfo.InvariantCulture, $"X-Pad-{i:00}: ").Append('a', 1024 - 12).Append("\r\n");
        }
        request.Append("\r\n{}");
        return probe.SendAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);
    }

    private static async Task HalfCloseAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        if (await probe.SendAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: {Host(endpoint)}\r\nX-Amz-Tar"), cancellationToken).ConfigureAwait(false))
        {
            probe.ShutdownSend();
        }
    }

    private static async Task TruncatedFrameAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        byte[] settings = HostileProbe.Frame(4, 0, 0, []);
        byte[] bytes = [.. HostileProbe.Preface.Span, .. settings.AsSpan(0, 5)];
        await probe.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static Task<bool> HugeFrameAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        byte[] bytes = [.. HostileProbe.Preface.Span, .. HostileProbe.Frame(4, 0, 0, []), .. HostileProbe.Frame(0, 0, 1, new byte[64], announcedLength: 0xFFFFFF)];
        return probe.SendAsync(bytes, cancellationToken);
    }

    private static Task<bool> GarbageHpackAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        byte[] garbage = new byte[32];
        Array.Fill(garbage, (byte)0xFF);
        byte[] bytes = [.. HostileProbe.Preface.Span, .. HostileProbe.Frame(4, 0, 0, []), .. HostileProbe.Frame(1, 0x5, 1, garbage)];
        return probe.SendAsync(bytes, cancellationToken);
    }

    /// <summary>Frames sent by the SETTINGS flood.</summary>
    public const int SettingsFloodFrames = 20_000;

    private static async Task SettingsFloodAsync(HostileProbe probe, Uri endpoint, CancellationToken cancellationToken)
    {
        if (!await probe.SendAsync(HostileProbe.Preface, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        byte[] one = HostileProbe.Frame(4, 0, 0, []);
        byte[] chunk = new byte[one.Length * 1000];
        for (int i = 0; i < 1000; i++)
        {
            one.CopyTo(chunk, i * one.Length);
        }
        for (int sent = 0; sent < SettingsFloodFrames; sent += 1000)
        {
            if (!await probe.SendAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
