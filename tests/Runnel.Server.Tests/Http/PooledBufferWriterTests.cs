using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Server.Http;

namespace Runnel.Server.Tests.Http;

/// <summary>The chunked answer buffer: whatever the sizes asked for and written, the bytes come out whole and in order.</summary>
public class PooledBufferWriterTests
{
    [Property(MaxTest = 100)]
    public Property Writes_AnySizes_ComeOutInOrder(NonNegativeInt seed)
    {
        var random = new Random(seed.Get);
        var expected = new MemoryStream();
        using var output = new PooledBufferWriter();
        for (int i = random.Next(0, 60); i > 0; i--)
        {
            int hint = random.Next(10) == 0 ? random.Next(0, 1_500_000) : random.Next(0, 5000);
            Span<byte> span = output.GetSpan(hint);
            int count = Math.Min(span.Length, random.Next(0, Math.Max(hint, 1) + 1));
            random.NextBytes(span[..count]);
            expected.Write(span[..count]);
            output.Advance(count);
        }
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        output.CopyToAsync(pipe.Writer, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        pipe.Writer.Complete();
        ReadResult sent = pipe.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();

        return (output.WrittenCount == expected.Length && output.ToArray().AsSpan().SequenceEqual(expected.ToArray())
            && sent.Buffer.ToArray().AsSpan().SequenceEqual(expected.ToArray())).ToProperty();
    }

    [Fact]
    public void Advance_PastTheSpan_Throws()
    {
        using var output = new PooledBufferWriter();
        int length = output.GetSpan(10).Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => output.Advance(length + 1));
    }
}
