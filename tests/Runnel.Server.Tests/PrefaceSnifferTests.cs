using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Server.Transport;

namespace Runnel.Server.Tests;

public class PrefaceSnifferTests
{
    private static readonly byte[] s_http11 = "POST / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();

    [Property]
    public Property Sniff_PrefaceInAnyChunks_DetectedAndNothingConsumed()
        => Prop.ForAll(Gen.Choose(1, 24).ListOf().ToArbitrary(), sizes =>
        {
            byte[] stream = [.. PrefaceSniffer.Preface, .. "\0\0\0\x04\0\0\0\0\0"u8];
            (bool http2, byte[] seen) = SniffInChunksAsync(stream, [.. sizes]).GetAwaiter().GetResult();
            return http2 && seen.AsSpan().SequenceEqual(stream);
        });

    [Property]
    public Property Sniff_AnyOtherStart_NotHttp2AndNothingConsumed(byte[] head)
    {
        byte[] stream = [.. head, .. s_http11];
        bool isPreface = stream.AsSpan().StartsWith(PrefaceSniffer.Preface);
        (bool http2, byte[] seen) = SniffInChunksAsync(stream, [3, 5, 7]).GetAwaiter().GetResult();
        return (http2 == isPreface && seen.AsSpan().SequenceEqual(stream)).ToProperty();
    }

    [Fact]
    public async Task Sniff_ShortConnectionThatCloses_NotHttp2()
    {
        (bool http2, byte[] seen) = await SniffInChunksAsync(PrefaceSniffer.Preface[..10].ToArray(), [10]);
        Assert.False(http2);
        Assert.Equal(10, seen.Length);
    }

    [Fact]
    public async Task Sniff_SilentClient_GivesUpAfterTimeout()
    {
        var pipe = new Pipe();
        bool http2 = await PrefaceSniffer.IsHttp2PrefaceAsync(pipe.Reader, TimeSpan.FromMilliseconds(50));
        Assert.False(http2);
    }

    [Fact]
    public void Inspect_PrefixOfPreface_NeedsMore()
    {
        Assert.Equal(PrefaceSniffer.Verdict.NeedMore, PrefaceSniffer.Inspect(new ReadOnlySequence<byte>("PRI * HT"u8.ToArray())));
        Assert.Equal(PrefaceSniffer.Verdict.NotHttp2, PrefaceSniffer.Inspect(new ReadOnlySequence<byte>("PRX"u8.ToArray())));
        Assert.Equal(PrefaceSniffer.Verdict.Http2, PrefaceSniffer.Inspect(new ReadOnlySequence<byte>(PrefaceSniffer.Preface.ToArray())));
    }

    /// <summary>Writes <paramref name="stream"/> in chunks while the sniffer reads, then reads back everything left in the pipe.</summary>
    private static async Task<(bool Http2, byte[] Seen)> SniffInChunksAsync(byte[] stream, int[] sizes)
    {
        var pipe = new Pipe();
        Task writing = Task.Run(async () =>
        {
            int offset = 0;
            for (int i = 0; offset < stream.Length; i++)
            {
                int size = Math.Min(sizes.Length == 0 ? stream.Length : Math.Max(1, sizes[i % sizes.Length]), stream.Length - offset);
                await pipe.Writer.WriteAsync(stream.AsMemory(offset, size));
                offset += size;
                await Task.Yield();
            }
            await pipe.Writer.CompleteAsync();
        });
        bool http2 = await PrefaceSniffer.IsHttp2PrefaceAsync(pipe.Reader, TimeSpan.FromSeconds(10));
        await writing;
        var seen = new List<byte>();
        while (true)
        {
            ReadResult result = await pipe.Reader.ReadAsync();
            seen.AddRange(result.Buffer.ToArray());
            pipe.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }
        return (http2, [.. seen]);
    }
}
