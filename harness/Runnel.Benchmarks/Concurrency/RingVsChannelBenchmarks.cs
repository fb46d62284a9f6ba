using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Runnel.Storage.Concurrency;

namespace Runnel.Benchmarks.Concurrency;

/// <summary>
/// Multi-producer hand-off of 64-byte messages to one consumer: <see cref="MpscRing"/> (claim, copy, publish;
/// consumer reads in place and releases in runs) against a bounded <see cref="Channel{T}"/> of a 64-byte struct
/// (the BCL's obvious alternative). Reported per message; producers are dedicated threads started per invocation
/// (their start-up, ~0.1 ms, is spread over 64 Ki messages per producer).
/// </summary>
/// <remarks>
/// Both sides hold about the same bytes in flight: a 64 KiB ring (72-byte records, ~900 messages) and a channel of
/// 1024 items. Full: ring producers use <see cref="RingFullPolicy.Wait"/>; channel producers spin on
/// <c>TryWrite</c> (the synchronous equivalent of <c>WriteAsync</c> waiting), so neither side allocates per message.
/// </remarks>
[BenchmarkCategory("Concurrency")]
public class RingVsChannelBenchmarks
{
    private const int PerProducer = 1 << 16;
    private const int PayloadLength = 64;
    private const int RingBytes = 64 * 1024;
    private const int ChannelItems = 1024;

    [Params(1, 2)]
    public int Producers { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerProducer)]
    public long Channel()
    {
        Channel<Payload64> channel = System.Threading.Channels.Channel.CreateBounded<Payload64>(
            new BoundedChannelOptions(ChannelItems) { SingleReader = true, SingleWriter = Producers == 1, FullMode = BoundedChannelFullMode.Wait });
        ChannelWriter<Payload64> writer = channel.Writer;
        Thread[] threads = Start(Producers, producer =>
        {
            Payload64 message = default;
            var spin = new SpinWait();
            for (int i = 0; i < PerProducer; i++)
            {
                message[0] = (byte)i;
                message[1] = (byte)producer;
                while (!writer.TryWrite(message))
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
        });
        ChannelReader<Payload64> reader = channel.Reader;
        long total = (long)Producers * PerProducer;
        long sum = 0;
        var wait = new SpinWait();
        for (long seen = 0; seen < total;)
        {
            if (reader.TryRead(out Payload64 message))
            {
                sum += message[0];
                seen++;
            }
            else
            {
                wait.SpinOnce(sleep1Threshold: -1);
            }
        }
        Join(threads);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PerProducer)]
    public long MpscRing()
    {
        var ring = new MpscRing(RingBytes, RingFullPolicy.Wait);
        Thread[] threads = Start(Producers, producer =>
        {
            for (int i = 0; i < PerProducer; i++)
            {
                ring.TryClaim(PayloadLength, out RingClaim claim);
                Span<byte> payload = ring.GetPayload(claim);
                payload[0] = (byte)i;
                payload[1] = (byte)producer;
                payload[2..].Clear();
                ring.Publish(claim);
            }
        });
        ring.MarkConsumerRunning();
        long total = (long)Producers * PerProducer;
        long sum = 0;
        long position = 0;
        var wait = new SpinWait();
        for (long seen = 0; seen < total;)
        {
            long start = position;
            while (ring.TryRead(position, out ReadOnlySpan<byte> payload, out long next))
            {
                sum += payload[0];
                seen++;
                position = next;
            }
            if (position == start)
            {
                wait.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                ring.Release(position);
            }
        }
        Join(threads);
        return sum;
    }

    private static Thread[] Start(int count, Action<int> body)
    {
        var threads = new Thread[count];
        for (int p = 0; p < count; p++)
        {
            int producer = p;
            threads[p] = new Thread(() => body(producer)) { IsBackground = true };
            threads[p].Start();
        }
        return threads;
    }

    private static void Join(Thread[] threads)
    {
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
