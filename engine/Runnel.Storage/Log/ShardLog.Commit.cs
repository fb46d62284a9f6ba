using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Runnel.Storage.Concurrency;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// The commit side: the steps of a <see cref="CommitRound"/> for this log, run by its commit loop
/// (<see cref="ShardLogOptions.Committer"/>) or by its own writer on the thread pool. Writer-owned, like the batch:
/// only the thread running the round touches the round's fields.
/// </summary>
public sealed partial class ShardLog
{
    /// <summary>How many rings' worth of records a coalesced round may take before its sync (8 MiB with the default ring).</summary>
    internal const int MaxCoalescedRingsPerRound = 8;

    private readonly CommitLoop? _loop;
    private readonly WriterWorkItem? _writer;

    // The batch of the current round (writer-owned).
    private int _roundCount;
    private int _roundBytes;
    private LogFailedException? _roundError;
    private bool _roundLocked;
    private bool _roundPublished;
    private Segment? _roundSegment;
    private long _roundStart;
    private ulong _roundGeneration;
    private int _lastRoundCount; // records the previous round answered: producers that may be about to append again
    private int _lastRoundBytes; // and their bytes (a streaming producer's rounds are half a ring or more)

    /// <summary>Where this log's file sits in the round's current barrier (set and read by <see cref="CommitRound"/>).</summary>
    internal int RoundBarrierIndex { get; set; }

    /// <summary>Starts the writer after a producer found it idle: the log's loop, or its own pool work item.</summary>
    private void StartWriter()
    {
        if (_loop is { } loop)
        {
            loop.Schedule(this);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(_writer!, preferLocal: false);
        }
    }

    /// <summary>Drains published records into the staging buffer; true when there is a batch to commit.</summary>
    internal bool TakeRoundBatch()
    {
        _roundCount = TakeBatch(out _roundBytes);
        _roundError = null;
        _roundPublished = false;
        return _roundCount > 0;
    }

    /// <summary>Records in the current round's batch.</summary>
    internal int RoundCount => _roundCount;

    /// <summary>
    /// How many records this round should gather before it writes, when <see cref="CommitRound"/> may wait a little
    /// for them; 0 when it should not wait. A round that answered several producers' appends is followed by one that
    /// finds only those that appended during its commit: the producers it just answered are re-appending while the
    /// round starts. Without a short wait the producers split into two groups that alternate, each round half full and
    /// paying the full price of its syncs (PostgreSQL's <c>commit_delay</c> answers the same problem). A streaming
    /// producer never waits: its last round, or this one already, took half a ring or more, and its records keep coming.
    /// </summary>
    internal int LingerTarget
        => _lastRoundCount >= 2 && _lastRoundBytes < _ring.Capacity / 2 && _roundBytes < _ring.Capacity / 2 ? _lastRoundCount : 0;

    /// <summary>Adds what producers published since <see cref="TakeRoundBatch"/> (before the round writes); true when it grew.</summary>
    internal bool TakeMoreRoundBatch()
    {
        int count = TakeBatch(_roundCount, ref _roundBytes);
        bool grew = count > _roundCount;
        _roundCount = count;
        return grew;
    }

    /// <summary>
    /// Takes the commit lock (held until <see cref="CompleteRound"/>), rolls the segment if due, and writes the
    /// batch; <paramref name="sync"/> also syncs it (linked). A failure fail-stops the log.
    /// </summary>
    internal void WriteRoundData(bool sync)
    {
        _commitLock.Enter();
        _roundLocked = true;
        if (_filesClosed)
        {
            _roundError = new LogFailedException("The log is closed.", null);
            return;
        }
        try
        {
            ThrowIfFailed();
            ReadOnlySpan<byte> frames = _staging.AsSpan(0, _roundBytes);
            ulong firstSequence = BinaryPrimitives.ReadUInt64LittleEndian(frames[FrameDescriptor.SequenceOffset..]);
            long now = NowMs();
            Segment? segment = _active;
            if (segment is null || ShouldRoll(segment, frames.Length, now))
            {
                segment = Roll(firstSequence, now);
            }
            long start = segment.CommittedEnd;
            if (sync)
            {
                segment.File.WriteAndSync(start, frames);
            }
            else
            {
                segment.File.Write(start, frames);
            }
            _roundSegment = segment;
            _roundStart = start;
        }
        catch (Exception e)
        {
            _roundError = FailStop(e);
        }
    }

    /// <summary>
    /// A round alone (see <see cref="CommitRound"/>) that took at least half a ring: whether it should write what the
    /// producers append meanwhile before its one fdatasync (<see cref="WriteMoreRoundData"/>), rather than the linked
    /// write + sync. Small rounds (awaited acks, one record per commit) keep the single linked submission.
    /// </summary>
    internal bool CoalescesRound => _roundBytes >= _ring.Capacity / 2;

    /// <summary>
    /// Takes what producers published while the round's data was being written (at most another ring's worth) and
    /// writes it right after, still without a sync; false when there was nothing, the round has taken
    /// <see cref="MaxCoalescedRingsPerRound"/> rings already, or as much as <see cref="ShardLogOptions.MaxPendingBytes"/>
    /// allows uncommitted (with the ring full behind it), the segment is full, or the round failed. One sync then
    /// covers all of it: a producer that streams faster than one fdatasync per ring gets fewer, larger commits. The
    /// durable order is unchanged: the checkpoint is written after that sync, and nothing is acknowledged before the
    /// checkpoint's.
    /// </summary>
    internal bool WriteMoreRoundData()
    {
        if (_roundError is not null
            || _roundBytes + _ring.Capacity > MaxCoalescedRingsPerRound * _ring.Capacity
            || _roundBytes + (2L * _ring.Capacity) > _options.MaxPendingBytes // this batch, another ring's worth, the full ring
            || _roundStart + _roundBytes + _ring.Capacity > _options.SegmentMaxBytes)
        {
            return false;
        }
        int before = _roundBytes;
        int count = TakeBatch(_roundCount, ref _roundBytes);
        if (count == _roundCount)
        {
            return false;
        }
        _roundCount = count;
        try
        {
            _roundSegment!.File.Write(_roundStart + before, _staging.AsSpan(before, _roundBytes - before));
        }
        catch (Exception e)
        {
            _roundError = FailStop(e);
        }
        return true;
    }

    /// <summary>Syncs the round's segment file (the data of a coalesced round); a failure fail-stops the log.</summary>
    internal void SyncRoundData()
    {
        if (_roundError is not null)
        {
            return;
        }
        try
        {
            _roundSegment!.File.Sync();
        }
        catch (Exception e)
        {
            _roundError = FailStop(e);
        }
    }

    /// <summary>The file this log needs in the round's barrier (its segment, or its checkpoint), or null when it failed.</summary>
    internal IStorageFile? RoundFile(bool checkpoint)
        => _roundError is not null ? null : checkpoint ? _checkpointFile : _roundSegment!.File;

    /// <summary>Fail-stops the log for this round (a failed barrier).</summary>
    internal void FailRound(Exception cause) => _roundError ??= FailStop(cause);

    /// <summary>Writes the checkpoint recording the batch (its data is durable by now); <paramref name="sync"/> also syncs it.</summary>
    internal void WriteRoundCheckpoint(bool sync)
    {
        if (_roundError is not null)
        {
            return;
        }
        try
        {
            _roundGeneration = WriteCheckpointSlot(_roundSegment!.BaseSequence, _roundStart + _roundBytes, _nextSequence, _lastTimestampMs, sync);
        }
        catch (Exception e)
        {
            _roundError = FailStop(e);
        }
    }

    /// <summary>The batch and its checkpoint are durable: make them current and readable.</summary>
    internal void PublishRound()
    {
        if (_roundError is not null)
        {
            return;
        }
        Segment segment = _roundSegment!;
        long end = _roundStart + _roundBytes;
        _checkpointGeneration = _roundGeneration;
        AddIndexEntries(segment, _staging.AsSpan(0, _roundBytes), _roundStart);
        segment.Publish(end, _nextSequence, _lastTimestampMs);
        Volatile.Write(ref _committedLastTimestampMs, _lastTimestampMs);
        Volatile.Write(ref _committedNextSequence, _nextSequence);
        _roundPublished = true;
    }

    /// <summary>Releases the commit lock and answers every append of the batch (acknowledged, or failed with the round's error).</summary>
    internal void CompleteRound()
    {
        if (_roundLocked)
        {
            _roundLocked = false;
            _commitLock.Exit();
        }
        // A round cut short by an unexpected exception never acknowledges a batch it did not make durable.
        LogFailedException? error = _roundError
            ?? (_roundPublished ? null : FailStop(new InvalidOperationException("The commit round ended before the batch was durable.")));
        int count = _roundCount;
        object?[] sources = _batchSources;
        int[] indexes = _batchIndexes;
        AppendResult[] results = _batchResults;
        for (int i = 0; i < count; i++)
        {
            object target = sources[i]!;
            sources[i] = null;
            if (target is AppendBatch batch)
            {
                // One answer per run of the batch's consecutive records (usually all of its records in this round).
                int end = i + 1;
                while (end < count && ReferenceEquals(sources[end], batch) && indexes[end] == indexes[i] + (end - i))
                {
                    sources[end++] = null;
                }
                batch.Answer(results.AsSpan(i, end - i), indexes[i], error);
                i = end - 1;
            }
            else if (error is null)
            {
                Unsafe.As<PooledValueTaskSource<AppendResult>>(target).SetResult(results[i]);
            }
            else
            {
                Unsafe.As<PooledValueTaskSource<AppendResult>>(target).SetException(error);
            }
        }
        _lastRoundCount = count;
        _lastRoundBytes = _roundBytes;
        _roundCount = 0;
        _roundSegment = null;
        Volatile.Write(ref _donePosition, _readPosition);
        _commitWaiters.Advanced(_readPosition);
    }

    /// <summary>
    /// Ends the writer's turn when the ring is empty: true when it went idle (a later publish starts it again), false
    /// when records are waiting and the writer must run another round.
    /// </summary>
    internal bool TryStopWriter()
    {
        if (_ring.TryRead(_readPosition, out _, out _) || !_ring.TryMarkConsumerIdle(_readPosition))
        {
            return false;
        }
        if (Volatile.Read(ref _releaseRingWhenIdle) != 0 && _ring.TryReleaseBuffer())
        {
            _staging = []; // a closed shard's writer stopping for the last time
        }
        return true;
    }

    /// <summary>
    /// The log's own writer on a pool thread (when it has no <see cref="LogCommitter"/>): rounds of this log alone
    /// until it goes idle. Allocated once per log so that scheduling allocates nothing.
    /// </summary>
    private sealed class WriterWorkItem(ShardLog log) : IThreadPoolWorkItem
    {
        private readonly List<ShardLog> _active = new(1);
        private CommitRound? _round;

        public void Execute()
        {
            CommitRound round = _round ??= new CommitRound();
            _active.Add(log);
            while (_active.Count > 0)
            {
                round.Run(_active);
            }
        }
    }
}
