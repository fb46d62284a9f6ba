using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Runnel.Server.Tests;

/// <summary>
/// The JS SDK v3 sends GOAWAY right after its request on each h2c connection; the request in flight must still be
/// answered (kinesis-mock loses large PutRecords there). A hand-written HTTP/2 client reproduces it.
/// </summary>
public class GoAwayTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const byte Data = 0x0, Headers = 0x1, Settings = 0x4, GoAway = 0x7;
    private const byte EndStream = 0x1, EndHeaders = 0x4, Ack = 0x1;

    [Fact]
    public async Task H2c_GoAwayAfterLargeRequest_RequestStillAnswered()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Plain.Host, fixture.Plain.Port);
        NetworkStream stream = tcp.GetStream();
        // A 1.5 MiB PutRecords-sized body: within the server's initial flow-control windows, so no WINDOW_UPDATE is needed.
        byte[] body = Encoding.ASCII.GetBytes("{\"Pad\":\"" + new string('x', 1536 * 1024) + "\"}");
        var output = new MemoryStream();
        output.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(output, Settings, 0, 0, []);
        WriteFrame(output, Headers, EndHeaders, 1, Hpack(
            (":method", "POST"), (":scheme", "http"), (":path", "/"), (":authority", "127.0.0.1"),
            ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Kinesis_20131202.ListStreams"),
            ("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        for (int offset = 0; offset < body.Length; offset += 16384)
        {
            int size = Math.Min(16384, body.Length - offset);
            WriteFrame(output, Data, offset + size == body.Length ? EndStream : (byte)0, 1, body.AsSpan(offset, size));
        }
        byte[] goAway = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(goAway, 1); // last stream id: 1 (ours); error code 0: NO_ERROR
        WriteFrame(output, GoAway, 0, 0, goAway);
        await stream.WriteAsync(output.ToArray());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        bool ok = false, ended = false;
        byte[] header = new byte[9];
        while (!ended)
        {
            await stream.ReadExactlyAsync(header, timeout.Token);
            int length = (header[0] << 16) | (header[1] << 8) | header[2];
            byte type = header[3], flags = header[4];
            int streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF;
            byte[] payload = new byte[length];
            await stream.ReadExactlyAsync(payload, timeout.Token);
            if (type == Settings && (flags & Ack) == 0)
            {
                var ack = new MemoryStream();
                WriteFrame(ack, Settings, Ack, 0, []);
                await stream.WriteAsync(ack.ToArray(), timeout.Token);
            }
            if (streamId == 1 && type == Headers)
            {
                ok = payload[0] == 0x88; // HPACK static index 8: ":status: 200"
            }
            ended = streamId == 1 && (type is Headers or Data) && (flags & EndStream) != 0;
        }
        Assert.True(ok, "the request after GOAWAY was not answered 200");
    }

    private static void WriteFrame(Stream output, byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header[5..], streamId);
        output.Write(header);
        output.Write(payload);
    }

    /// <summary>Literal header fields without indexing, new names, no Huffman (every name and value under 127 bytes).</summary>
    private static byte[] Hpack(params (string Name, string Value)[] fields)
    {
        var block = new MemoryStream();
        foreach ((string name, string value) in fields)
        {
            block.WriteByte(0x00);
            block.WriteByte((byte)name.Length);
            block.Write(Encoding.ASCII.GetBytes(name));
            block.WriteByte((byte)value.Length);
            block.Write(Encoding.ASCII.GetBytes(value));
        }
        return block.ToArray();
    }
}
