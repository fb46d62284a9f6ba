using Runnel.Storage.Log;
using Runnel.Streams.Capacity;
using Runnel.Streams.Catalog;
using Runnel.Streams.Shards;
using Runnel.Streams.Storage;

namespace Runnel.Streams.Tests;

/// <summary>A PutRecords call that fails as a whole partway gives its open batches back once their logs answered them.</summary>
public sealed class PutRecordsCallTests
{
    [Fact]
    public async Task AbandonAsync_BatchOpenWithRecords_CommittedThenBackInTheLogsPool()
    {
        using ShardLog log = OpenLog();
        ShardState shard = ShardOf(log);
        var call = new PutRecordsCall(3);
        AppendBatch batch = call.BatchOf(shard, 3);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, [(byte)i]));
            call.Added(i, batch);
        }

        await call.AbandonAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // Its records were committed (the log answered the batch before it went back), and the pool has it again.
        await log.WhenCommittedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3UL, log.CommittedNextSequence);
        Assert.Same(batch, log.RentBatch(1));
    }

    [Fact]
    public async Task AbandonAsync_BatchesAlreadyClosedAndReturned_DoesNothingMore()
    {
        using ShardLog log = OpenLog();
        ShardState shard = ShardOf(log);
        var call = new PutRecordsCall(1);
        AppendBatch batch = call.BatchOf(shard, 1);
        Assert.Equal(AppendBatchStatus.Added, batch.TryAdd("k"u8, null, [1]));
        call.Added(0, batch);
        await batch.WhenDurableAsync();
        call.Closed = 1;
        call.ReturnBatches();

        await call.AbandonAsync(); // neither closes nor returns the batch a second time (both would throw)
        Assert.Same(batch, log.RentBatch(1));
    }

    private static ShardLog OpenLog() => ShardLog.Open(new MemoryStreamStorage().Directory("shard"), new ShardLogOptions(), TimeProvider.System);

    private static ShardState ShardOf(ShardLog log)
        => new(new ShardDocument { Index = 0, EndingHashKey = "1" }, 1, log, TimeProvider.System, CapacityOptions.Unlimited);
}
