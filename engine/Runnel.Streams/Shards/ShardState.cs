using Runnel.Model;
using Runnel.Storage.Log;
using Runnel.Streams.Capacity;
using Runnel.Streams.Catalog;
using Runnel.Streams.Encryption;

namespace Runnel.Streams.Shards;

/// <summary>
/// One shard at run time: its catalog entry, its log, and the gate that lets appends in while it is open.
/// </summary>
/// <remarks>
/// Closing protocol (resharding): the closer sets <see cref="IsClosing"/>, waits until no append is between
/// <see cref="TryBeginAppend"/> and <see cref="EndAppend"/> (that section only copies the frame into the log),
/// then waits for <see cref="ShardLog.WhenCommittedAsync"/>; after that the log's committed tip is final.
/// Thread-safe.
/// </remarks>
internal sealed class ShardState
{
    private int _appendsInFlight;
    private volatile bool _closing;

    public ShardState(ShardDocument document, uint streamTag, ShardLog log, TimeProvider time, CapacityOptions capacity)
    {
        Throttle = new ShardThrottle(time, capacity);
        IteratorRate = new RollingWindowCounter(time, 5, TimeSpan.FromSeconds(1));
        Document = document;
        Id = new ShardId(document.Index);
        IdText = Id.ToString();
        Range = new HashKeyRange(HashKey.Parse(document.StartingHashKey), HashKey.Parse(document.EndingHashKey));
        StreamTag = streamTag;
        Log = log;
        _closing = document.EndingCounter.HasValue;
    }

    public ShardDocument Document { get; }

    public ShardId Id { get; }

    /// <summary><see cref="Id"/> as text, made once (metrics tag every shard-level measurement with it).</summary>
    public string IdText { get; }

    public int Index => Document.Index;

    public HashKeyRange Range { get; }

    public uint StreamTag { get; }

    public ShardLog Log { get; }

    /// <summary>Encryption at rest of this shard's records (its data keys); used only while the stream has it on.</summary>
    public ShardCipher? Cipher { get; init; }

    /// <summary>The shard's write and read limits (1 MiB/s and 1,000 records/s in; 2 MiB/s and 5 calls/s out).</summary>
    public ShardThrottle Throttle { get; }

    /// <summary>GetShardIterator's 5 calls per second per shard.</summary>
    public RollingWindowCounter IteratorRate { get; }

    public bool IsOpen => !Document.EndingCounter.HasValue;

    public bool IsClosing => _closing;

    /// <summary>The shard's StartingSequenceNumber (counter 0: below every record).</summary>
    public SequenceNumber StartingSequenceNumber => SequenceNumber.ShardStart(Document.CreatedSeconds, StreamTag, Index);

    /// <summary>The full sequence number of the record with <paramref name="counter"/>.</summary>
    public SequenceNumber SequenceOf(ulong counter) => StartingSequenceNumber.WithCounter(counter);

    /// <summary>Enters the append section; false when the shard is closing (route again with the new topology).</summary>
    public bool TryBeginAppend()
    {
        Interlocked.Increment(ref _appendsInFlight);
        if (_closing)
        {
            Interlocked.Decrement(ref _appendsInFlight);
            return false;
        }
        return true;
    }

    public void EndAppend() => Interlocked.Decrement(ref _appendsInFlight);

    /// <summary>Lets appends in again after a close that was not committed to the catalog.</summary>
    public void AbortClose() => _closing = false;

    /// <summary>Stops new appends and waits until every started one is committed; returns the last counter (0 if none).</summary>
    public async Task<ulong> CloseAsync()
    {
        _closing = true;
        var spin = new SpinWait();
        while (Volatile.Read(ref _appendsInFlight) != 0)
        {
            spin.SpinOnce();
        }
        await Log.WhenCommittedAsync().ConfigureAwait(false);
        return Log.CommittedNextSequence - 1;
    }
}
