using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Runnel.Harness.Reliability;

/// <summary>
/// One abusive connection: a raw loopback socket that the attack writes to as it likes, while a reader watches what
/// the server does. The first thing the server does ends the probe: an HTTP/1.1 status line (<c>HTTP 408</c>), an
/// HTTP/2 GOAWAY or RST_STREAM (<c>GOAWAY FRAME_SIZE_ERROR</c>), a close (<c>close</c>) or a reset (<c>reset</c>).
/// HTTP/2 SETTINGS acknowledgements are counted, not an end. Not thread-safe for writers (one attack loop each).
/// </summary>
public sealed class HostileProbe : IAsyncDisposable
{
    private static readonly string[] s_h2Errors =
    [
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
        "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
    ];

    private readonly Socket _socket;
    private readonly bool _http2;
    private readonly long _start;
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _received = new();
    private readonly Task _reader;
    private long _endTimestamp;
    private int _settingsAcks;

    private HostileProbe(Socket socket, bool http2)
    {
        _socket = socket;
        _http2 = http2;
        _start = Stopwatch.GetTimestamp();
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The HTTP/2 client connection preface.</summary>
    public static ReadOnlyMemory<byte> Preface { get; } = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>What ended the probe, once it has ended.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>SETTINGS frames with the ACK flag received (HTTP/2 probes).</summary>
    public int SettingsAcks => Volatile.Read(ref _settingsAcks);

    /// <summary>Seconds from connect to the end (the server's answer, close or reset), or null while open.</summary>
    public double? EndSeconds
    {
        get
        {
            long end = Volatile.Read(ref _endTimestamp);
            return end == 0 ? null : Stopwatch.GetElapsedTime(_start, end).TotalSeconds;
        }
    }

    /// <summary>Seconds since connect.</summary>
    public double AgeSeconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>Connects to <paramref name="endpoint"/>; <paramref name="http2"/> parses the answer as HTTP/2 frames.</summary>
    public static async Task<HostileProbe> ConnectAsync(Uri endpoint, bool http2, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new HostileProbe(socket, http2);
    }

    /// <summary>Sends <paramref name="bytes"/>; false when the connection is already gone (the probe has ended then).</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_ended.Task.IsCompleted)
        {
            return false;
        }
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
            return true;
        }
        catch (SocketException e)
        {
            End(e.SocketErrorCode == SocketError.ConnectionReset ? "reset" : "close");
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Closes the sending side (a TCP half-close) and keeps reading.</summary>
    public void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the end; returns what ended it or <c>still open</c>.</summary>
    public async Task<string> WaitEndAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _ended.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "still open";
        }
    }

    /// <summary>An HTTP/2 frame: 9-byte header and payload.</summary>
    public static byte[] Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload, int? announcedLength = null)
    {
        byte[] frame = new byte[9 + payload.Length];
        int length = announcedLength ?? payload.Length;
        frame[0] = (byte)(length >> 16);
        frame[1] = (byte)(length >> 8);
        frame[2] = (byte)length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId & int.MaxValue);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    private void End(string outcome)
    {
        Interlocked.CompareExchange(ref _endTimestamp, Stopwatch.GetTimestamp(), 0);
        _ended.TrySetResult(outcome);
    }

    private async Task ReadAsync()
    {
        byte[] buffer = new byte[16 * 1024];
        int parsed = 0; // HTTP/2: bytes of _received already parsed as frames
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    End("close");
                    return;
                }
                _received.Write(buffer, 0, read);
                if (_http2)
                {
                    parsed = ParseFrames(parsed);
                }
                else if (!_ended.Task.IsCompleted)
                {
                    ParseStatusLine();
                }
            }
        }
        catch (SocketException e)
        {
            End(e.SocketErrorCode == SocketError.ConnectionReset ? "reset" : "close");
        }
        catch (ObjectDisposedException)
        {
            End("close");
        }
    }

    private void ParseStatusLine()
    {
        ReadOnlySpan<byte> data = _received.GetBuffer().AsSpan(0, (int)_received.Length);
        int eol = data.IndexOf("\r\n"u8);
        if (eol < 0)
        {
            return;
        }
        string line = Encoding.ASCII.GetString(data[..eol]);
        string[] parts = line.Split(' ', 3);
        End(parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status)
            ? "HTTP " + status.ToString(CultureInfo.InvariantCulture)
            : "garbage");
    }

    private int ParseFrames(int parsed)
    {
        ReadOnlySpan<byte> data = _received.GetBuffer().AsSpan(0, (int)_received.Length);
        while (data.Length - parsed >= 9)
        {
            ReadOnlySpan<byte> header = data.Slice(parsed, 9);
            int length = (header[0] << 16) | (header[1] << 8) | header[2];
            if (data.Length - parsed < 9 + length)
            {
                break;
            }
            byte type = header[3];
            byte flags = header[4];
            ReadOnlySpan<byte> payload = data.Slice(parsed + 9, length);
            switch (type)
            {
                case 4 when (flags & 1) != 0:
                    Interlocked.Increment(ref _settingsAcks);
                    break;
                case 7 when payload.Length >= 8:
                    End("GOAWAY " + ErrorName(BinaryPrimitives.ReadUInt32BigEndian(payload[4..])));
                    break;
                case 3 when payload.Length >= 4:
                    End("RST_STREAM " + ErrorName(BinaryPrimitives.ReadUInt32BigEndian(payload)));
                    break;
                case 1:
                    End("HEADERS (an answer)");
                    break;
                default:
                    break;
            }
            parsed += 9 + length;
        }
        return parsed;
    }

    private static string ErrorName(uint code) => code < s_h2Errors.Length ? s_h2Errors[code] : "0x" + code.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Closes the socket and waits for the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        End("closed by the client");
        _socket.Dispose();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        await _received.DisposeAsync().ConfigureAwait(false);
    }
}
