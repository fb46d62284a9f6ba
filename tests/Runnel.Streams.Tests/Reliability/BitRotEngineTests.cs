using System.Collections.Concurrent;
using Runnel.Harness.Reliability;
using Runnel.Storage;
using Runnel.Storage.Io;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;
using Xunit.Abstractions;

namespace Runnel.Streams.Tests.Reliability;

/// <summary>
/// Bit rot and misdirected writes over the whole engine (issue 9 item 3): 20,000 seeds of <see cref="BitRotScenario"/>
/// from a random start each run (printed): one flipped bit in durable data or one misdirected write per seed, and
/// never a silent loss or a wrong record served: every case is detected (corruption named at open, or
/// InternalFailure at read) or harmless.
/// </summary>
public class BitRotEngineTests(ITestOutputHelper output)
{
    private const int Seeds = 20_000;

    [Fact]
    public void ReadAndRestart_OneFlippedBitOrMisdirectedWrite_DetectedOrHarmlessNeverSilent()
    {
        int start = Random.Shared.Next(0, int.MaxValue - Seeds);
        output.WriteLine($"seeds {start}..{start + Seeds - 1}");
        var failures = new ConcurrentBag<BitRotScenario.SeedOutcome>();
        var tally = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Parallel.For(start, start + Seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            BitRotScenario.SeedOutcome outcome = BitRotScenario.Run(seed);
            tally.AddOrUpdate($"{outcome.Fault}: {outcome.Detection}", 1, static (_, n) => n + 1);
            if (outcome.Failure is not null)
            {
                failures.Add(outcome);
            }
        });
        foreach ((string kind, int count) in tally.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{count,6} {kind}");
        }
        foreach (BitRotScenario.SeedOutcome failure in failures.OrderBy(f => f.Seed).Take(20))
        {
            output.WriteLine($"seed {failure.Seed}: {failure.Failure}");
        }
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Seeds} seeds failed; first: seed {failures.MinBy(f => f.Seed)?.Seed}: {failures.MinBy(f => f.Seed)?.Failure}");
        // Both faults must have been injected and caught somewhere, or the property proves little.
        Assert.Contains(tally.Keys, k => k.StartsWith("bit flip", StringComparison.Ordinal) && k.Contains("detected", StringComparison.Ordinal));
        Assert.Contains(tally.Keys, k => k.StartsWith("misdirected write", StringComparison.Ordinal) && k.Contains("detected", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(136961762)] // a sequence bit of a shard's first frame: the read's start scan skipped it and served nothing
    public void ReadAndRestart_PinnedSeed_DetectedOrHarmless(int seed) => Assert.Null(BitRotScenario.Run(seed).Failure);

    /// <summary>
    /// Found by seed 18 (the seed is not replayed: shard commits run concurrently, so which write a seed misdirects
    /// can vary between runs; this is the same case, made deterministic). A lost write of the last acknowledged batch
    /// left the segment shorter than its committed end, and GetRecords spun forever reading 0 bytes. Now the read is
    /// InternalFailure carrying the corruption, and the restart names the segment under its shard directory.
    /// </summary>
    [Fact]
    public async Task GetRecordsAndRestart_LostWriteOfLastBatch_DetectedNotSpinning()
    {
        var storage = new FaultInjectingStreamStorage();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        StreamsOptions options = PowerLossScenario.Options(new Random(18));
        StreamEngine engine = StreamEngine.Open(options, storage, time);
        engine.CreateStream("s", 1);
        await engine.PutRecordAsync(StreamRef.Named("s"), new byte[100], "k");
        storage.Disk.MisdirectWrite(storage.Disk.Operations + 1, FaultInjectingDisk.MisdirectionKind.Lost, new Random(18));
        await engine.PutRecordAsync(StreamRef.Named("s"), new byte[200], "k");
        Assert.Contains(".seg of ", storage.Disk.MisdirectedWrite, StringComparison.Ordinal);

        string iterator = engine.GetShardIterator(StreamRef.Named("s"), "shardId-000000000000", ShardIteratorType.TrimHorizon);
        Task<KinesisException> read = Task.Run(() => Assert.Throws<KinesisException>(() => engine.GetRecords(iterator)));
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(120)))); // a guard: the bug never returned
        KinesisException e = await read;
        Assert.Equal(KinesisErrorCode.InternalFailure, e.Code);
        Assert.IsType<LogCorruptionException>(e.InnerException);
        engine.Dispose();

        LogCorruptionException reopened = Assert.Throws<LogCorruptionException>(() => StreamEngine.Open(options, storage, time).Dispose());
        Assert.StartsWith("streams/s-", reopened.FileName, StringComparison.Ordinal);
        Assert.EndsWith(".seg", reopened.FileName, StringComparison.Ordinal);
    }
}
