using System.Diagnostics.CodeAnalysis;
using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Storage.Tests.Log;

/// <summary><see cref="ShardLog.TryAppend"/>: a full log is a false return, with the log unchanged, instead of an exception.</summary>
public class ShardLogTryAppendTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TryAppend_RingFullWhileCommitStalls_FalseThenAcceptsAfterCommit()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { MaxPendingBytes = 64 * 1024 });
        device.Close();
        try
        {
            await FillStalledThenReleaseAsync(log, device, 32, 200); // one ring of 64 KiB, plus the batch the writer holds
        }
        finally
        {
            device.Open(); // a failed assertion must not leave the writer blocked, or disposing the log would hang
        }
    }

    [Fact]
    public async Task TryAppend_Ring256KiB_HoldsFourTimesAsManyBeforeFull()
    {
        using var device = new GatedDevice();
        using ShardLog log = ShardLog.Open(device, new ShardLogOptions { MaxPendingBytes = 1024 * 1024, AppendRingBytes = 256 * 1024 });
        device.Close();
        try
        {
            await FillStalledThenReleaseAsync(log, device, 200, 300); // 256 KiB of ~1 KiB frames, plus the writer's batch
        }
        finally
        {
            device.Open();
        }
    }

    [Theory]
    [InlineData(32 * 1024)]
    [InlineData(128 * 1024 * 1024)]
    public void Open_AppendRingBytesOutOfRange_Throws(int ringBytes)
    {
        var device = new MemoryDevice();
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardLog.Open(device, new ShardLogOptions { AppendRingBytes = ringBytes }));
    }

    [SuppressMessage("Reliability", "CA2012", Justification = "Every accepted ValueTask is awaited once, through AsTask.")]
    private static async Task FillStalledThenReleaseAsync(ShardLog log, GatedDevice device, int fewest, int most)
    {
        // The writer takes a first record and holds its commit at the gate before the ring is filled; otherwise a writer
        // that starts late could take the whole ring after it was found full.
        var accepted = new List<Task<AppendResult>> { log.AppendAsync("k"u8, null, new byte[1000]).AsTask() };
        await log.WhenTakenAsync().WaitAsync(s_timeout);
        bool full = false;
        for (int i = 0; i < 10_000 && !full; i++)
        {
            if (log.TryAppend("k"u8, null, new byte[1000], out ValueTask<AppendResult> append))
            {
                Assert.False(append.IsFaulted);
                accepted.Add(append.AsTask());
            }
            else
            {
                full = true;
                Assert.Equal(default, append);
            }
        }
        Assert.True(full);
        Assert.InRange(accepted.Count, fewest, most);
        Assert.False(log.TryAppend("k"u8, null, new byte[1000], out _)); // still full: nothing was claimed by the refusal
        await Assert.ThrowsAsync<LogBackpressureException>(async () => await log.AppendAsync("k"u8, null, new byte[1000]));
        device.Open();
        AppendResult[] acks = await Task.WhenAll(accepted).WaitAsync(s_timeout);
        Assert.Equal(Enumerable.Range(1, accepted.Count).Select(i => (ulong)i), acks.Select(a => a.Sequence));
        await log.WhenCommittedAsync().WaitAsync(s_timeout);
        Assert.True(log.TryAppend("k"u8, null, "after"u8, out ValueTask<AppendResult> after));
        Assert.Equal((ulong)accepted.Count + 1, (await after).Sequence);
    }

    [Fact]
    public async Task TryAppend_ClosedLog_TrueWithTheFailureInTheAcknowledgement()
    {
        ShardLog log = ShardLog.Open(new MemoryDevice());
        log.Dispose();
        Assert.True(log.TryAppend("k"u8, null, "x"u8, out ValueTask<AppendResult> append));
        await Assert.ThrowsAsync<LogFailedException>(async () => await append);
    }
}
