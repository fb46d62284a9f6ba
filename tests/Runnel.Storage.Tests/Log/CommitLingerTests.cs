using System.Diagnostics;
using Runnel.Storage.Log;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// A round's short wait for the producers the previous round answered (<c>CommitRound.Linger</c>): it gathers them
/// into one round, and it ends by itself when they do not come.
/// </summary>
public sealed class CommitLingerTests
{
    private static readonly byte[] s_key = "k"u8.ToArray();

    [Fact]
    public async Task Linger_ProducersReappendOneByOneAfterAGroupRound_OneRoundCarriesThem()
    {
        // Each attempt: a round answers 8 appends; then one record arrives, and once the next round has taken it, 7
        // more arrive 5 us apart. Without the wait that round would go to its syncs (2 x 2 ms) with the one record and
        // the 7 would make a second round. A test thread stalled for longer than the wait's 30 us gap (a busy machine)
        // also splits them, so one attempt in ten must carry all 8 in one round.
        int oneRound = 0;
        for (int attempt = 0; attempt < 10 && oneRound == 0; attempt++)
        {
            using var device = new GatedDevice(TimeSpan.FromMilliseconds(2));
            using ShardLog log = ShardLog.Open(device, new ShardLogOptions { Committer = new LogCommitter(1) });
            await AnswerEightInOneRoundAsync(log, device);

            int before = device.SegmentSyncs;
            var appends = new Task<AppendResult>[8];
            appends[0] = log.AppendAsync(s_key, null, [0]).AsTask();
            SpinUntil(() => log.AllTaken);
            for (int i = 1; i < appends.Length; i++)
            {
                SpinFor(TimeSpan.FromMicroseconds(5));
                appends[i] = log.AppendAsync(s_key, null, [(byte)i]).AsTask();
            }
            await Task.WhenAll(appends);
            oneRound += device.SegmentSyncs - before == 1 ? 1 : 0;
        }
        Assert.Equal(1, oneRound);
    }

    [Fact]
    public async Task Linger_LoneAppendAfterAGroupRound_CommittedAloneWithoutWaitingLong()
    {
        using var device = new GatedDevice(TimeSpan.FromMilliseconds(2));
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { Committer = new LogCommitter(1) });
        await AnswerEightInOneRoundAsync(log, device);

        // Nobody else appends: the round waits at most 500 us (CommitRound.MaxLingerTicks), then commits the one record.
        int before = device.SegmentSyncs;
        AppendResult result = await log.AppendAsync(s_key, null, [9]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, device.SegmentSyncs - before);
        Assert.Equal([9], LogReading.ReadAll(log)[^1].Data);
        Assert.Equal(result.Sequence, LogReading.ReadAll(log)[^1].Sequence);
    }

    [Fact]
    public async Task Linger_OneProducerAwaitingEachAppend_NeverWaits()
    {
        // A round that answered one append sets no target: one producer's commits are not delayed. With a 2 ms sync the
        // wait would be allowed 500 us per round; 20 rounds that each waited would take 10 ms more, which the 2 ms
        // syncs (80 ms in all) hide, so the check is on the target itself, not on time.
        using var device = new GatedDevice(TimeSpan.Zero);
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { Committer = new LogCommitter(1) });
        for (int i = 0; i < 20; i++)
        {
            await log.AppendAsync(s_key, null, [(byte)i]);
            Assert.Equal(0, log.LingerTarget);
        }
    }

    /// <summary>Holds the log's commit while 8 appends queue behind it, so that one round answers all 8.</summary>
    private static async Task AnswerEightInOneRoundAsync(ShardLog log, GatedDevice device)
    {
        await log.AppendAsync(s_key, null, [0]);
        device.Close();
        ValueTask<AppendResult> held = log.AppendAsync(s_key, null, [1]);
        await log.WhenTakenAsync().WaitAsync(TimeSpan.FromSeconds(30));
        ValueTask<AppendResult>[] eight = [.. Enumerable.Range(0, 8).Select(i => log.AppendAsync(s_key, null, [(byte)i]))];
        int before = device.SegmentSyncs;
        device.Open();
        await held;
        foreach (ValueTask<AppendResult> append in eight)
        {
            await append;
        }
        Assert.Equal(2, device.SegmentSyncs - before); // the held round's and the eight's
    }

    private static void SpinUntil(Func<bool> condition)
    {
        long until = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < until, "the writer never took the record");
            Thread.SpinWait(10);
        }
    }

    private static void SpinFor(TimeSpan time)
    {
        long until = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(10);
        }
    }
}
