using System.Collections.Concurrent;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// One flipped bit anywhere in a log's durable files (segments, indexes, checkpoint): the damage is reported as
/// <see cref="LogCorruptionException"/> at open or at read, or is harmless; wrong data is never returned.
/// </summary>
public class BitRotTests
{
    private const int Seeds = 3_000;

    [Fact]
    public void OpenAndRead_AnySingleBitFlip_ReportsOrServesExactData()
    {
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, Seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            try
            {
                RunSeed(seed);
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed}: {e.GetType().Name}: {e.Message}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Seeds} seeds failed; first: {failures.FirstOrDefault()}");
    }

    private static void RunSeed(int seed)
    {
        var random = new Random(seed);
        var device = new FaultInjectingDevice();
        var options = new ShardLogOptions { SegmentMaxBytes = random.Next(4096, 12_000), IndexIntervalBytes = 128 };
        var acknowledged = new List<(ulong Sequence, byte[] Data)>();
        using (ShardLog log = ShardLog.Open(device, options))
        {
            int batches = random.Next(1, 10);
            for (int b = 0; b < batches; b++)
            {
                var tasks = new List<(Task<AppendResult>, byte[])>();
                int count = random.Next(1, 10);
                for (int i = 0; i < count; i++)
                {
                    byte[] data = new byte[random.Next(0, 600)];
                    random.NextBytes(data);
                    tasks.Add((log.AppendAsync("key"u8, null, data).AsTask(), data));
                }
                foreach ((Task<AppendResult> task, byte[] data) in tasks)
                {
                    acknowledged.Add((task.GetAwaiter().GetResult().Sequence, data));
                }
            }
        }

        IReadOnlyList<string> files = device.ListFiles();
        string victim = files[random.Next(files.Count)];
        long length = device.LengthOf(victim);
        if (length == 0)
        {
            return;
        }
        device.FlipBit(victim, random.NextInt64(length * 8));

        List<RecordModel> read;
        try
        {
            using ShardLog reopened = ShardLog.Open(device, options);
            read = LogReading.ReadAll(reopened);
        }
        catch (LogCorruptionException)
        {
            return; // detected and reported, nothing served
        }
        if (read.Count != acknowledged.Count)
        {
            throw new InvalidOperationException($"{victim}: {acknowledged.Count} acknowledged, {read.Count} read, no corruption reported");
        }
        for (int i = 0; i < read.Count; i++)
        {
            if (read[i].Sequence != acknowledged[i].Sequence || !read[i].Data.AsSpan().SequenceEqual(acknowledged[i].Data))
            {
                throw new InvalidOperationException($"{victim}: record {acknowledged[i].Sequence} served wrong");
            }
        }
    }
}
