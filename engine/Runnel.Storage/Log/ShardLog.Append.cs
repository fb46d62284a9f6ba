using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Runnel.Model;
using Runnel.Storage.Framing;
using Runnel.Storage.Index;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>The append side: frames go into a pending buffer under a short lock; one commit at a time writes the
/// whole buffer with one write and one fdatasync of the segment, then one write and one fdatasync of the checkpoint
/// (group commit: the cost is per batch, not per record), then completes every append in it.</summary>
public sealed partial class ShardLog
{
    private static readonly Action<object?> s_commitLoop = static state => ((ShardLog)state!).CommitLoop();

    // Guards every field below. Appends hold it only to encode a frame into the pending buffer.
    private readonly object _appendLock = new();
    private byte[] _pending = GC.AllocateUninitializedArray<byte>(64 * 1024);
    private byte[] _spare = GC.AllocateUninitializedArray<byte>(64 * 1024);
    private int _pendingLength;
    private PendingBatch? _pendingBatch;
    private PendingBatch? _committingBatch;
    private ulong _nextSequence;
    private long _lastTimestampMs;
    private bool _flushing;
    private bool _closed;
    private LogFailedException? _failure;

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data)
    {
        if (partitionKeyUtf8.Length > FrameDescriptor.MaxPartitionKeyBytes || data.Length > FrameDescriptor.MaxDataBytes)
        {
            return ValueTask.FromException<AppendResult>(new ArgumentOutOfRangeException(
                nameof(data), "The record is larger than a frame allows."));
        }
        int frameLength = FrameDescriptor.AlignedLength(partitionKeyUtf8.Length, explicitHashKey.HasValue, data.Length);
        PendingBatch batch;
        AppendResult result;
        bool startCommit;
        lock (_appendLock)
        {
            if (_failure is not null || _closed)
            {
                return ValueTask.FromException<AppendResult>(_failure ?? new LogFailedException("The log is closed.", null));
            }
            if (_pendingLength + frameLength > _pending.Length && !TryGrowPending(frameLength))
            {
                return ValueTask.FromException<AppendResult>(new LogBackpressureException(
                    $"The log already holds {_pendingLength} uncommitted bytes (limit {_options.MaxPendingBytes})."));
            }
            long timestamp = Math.Max(NowMs(), _lastTimestampMs);
            ulong sequence = _nextSequence++;
            _lastTimestampMs = timestamp;
            FrameDescriptor.Write(_pending.AsSpan(_pendingLength), sequence, timestamp, partitionKeyUtf8, explicitHashKey, data);
            _pendingLength += frameLength;
            batch = _pendingBatch ??= new PendingBatch();
            result = new AppendResult(sequence, timestamp);
            startCommit = !_flushing;
            _flushing = true;
        }
        if (startCommit)
        {
            ThreadPool.UnsafeQueueUserWorkItem(s_commitLoop, this, preferLocal: false);
        }
        return WaitForCommitAsync(batch, result);
    }

    /// <summary>
    /// The sequence the next append will get (appended, not necessarily committed). With appends stopped by the
    /// caller, and after <see cref="WhenCommittedAsync"/>, it equals <see cref="CommittedNextSequence"/>.
    /// </summary>
    public ulong AppendedNextSequence
    {
        get
        {
            lock (_appendLock)
            {
                return _nextSequence;
            }
        }
    }

    /// <summary>
    /// Completes when every append made before the call has been committed (or has failed). Used to close a
    /// shard: stop new appends, then wait for this, then the committed tip is final.
    /// </summary>
    public Task WhenCommittedAsync()
    {
        Task? pending;
        Task? committing;
        lock (_appendLock)
        {
            pending = _pendingBatch?.Completion.Task;
            committing = _committingBatch?.Completion.Task;
        }
        if (pending is null && committing is null)
        {
            return Task.CompletedTask;
        }
        // Failures are the appenders' to observe; here only completion matters.
        return Task.WhenAll(pending ?? Task.CompletedTask, committing ?? Task.CompletedTask)
            .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static async ValueTask<AppendResult> WaitForCommitAsync(PendingBatch batch, AppendResult result)
    {
        await batch.Completion.Task.ConfigureAwait(false);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryGrowPending(int frameLength)
    {
        long needed = (long)_pendingLength + frameLength;
        if (needed > _options.MaxPendingBytes && _pendingLength > 0)
        {
            return false;
        }
        int size = (int)Math.Min(Math.Max(needed, (long)_pending.Length * 2), Math.Max(needed, _options.MaxPendingBytes));
        byte[] larger = GC.AllocateUninitializedArray<byte>(size);
        _pending.AsSpan(0, _pendingLength).CopyTo(larger);
        _pending = larger;
        return true;
    }

    /// <summary>Runs on a pool thread while there is something to commit; at most one runs at a time.</summary>
    private void CommitLoop()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            PendingBatch batch;
            ulong nextSequence;
            long lastTimestamp;
            lock (_appendLock)
            {
                if (_pendingLength == 0 || _failure is not null)
                {
                    _flushing = false;
                    Monitor.PulseAll(_appendLock);
                    return;
                }
                buffer = _pending;
                length = _pendingLength;
                batch = _pendingBatch!;
                nextSequence = _nextSequence;
                lastTimestamp = _lastTimestampMs;
                _pending = _spare;
                _spare = buffer;
                _pendingLength = 0;
                _pendingBatch = null;
                _committingBatch = batch;
            }

            try
            {
                lock (_commitLock)
                {
                    Commit(buffer.AsSpan(0, length), nextSequence, lastTimestamp);
                }
            }
            catch (Exception e)
            {
                LogFailedException failure = FailStop(e);
                batch.Completion.TrySetException(failure);
                lock (_appendLock)
                {
                    _committingBatch = null;
                    _flushing = false;
                    Monitor.PulseAll(_appendLock);
                }
                return;
            }
            lock (_appendLock)
            {
                _committingBatch = null;
            }
            batch.Completion.TrySetResult();
        }
    }

    /// <summary>Writes one batch of frames durably and makes it readable. Holds _commitLock.</summary>
    private void Commit(ReadOnlySpan<byte> frames, ulong nextSequence, long lastTimestamp)
    {
        ThrowIfFailed();
        ulong firstSequence = BinaryPrimitives.ReadUInt64LittleEndian(frames[FrameDescriptor.SequenceOffset..]);
        long now = NowMs();
        Segment? segment = _active;
        if (segment is null || ShouldRoll(segment, frames.Length, now))
        {
            segment = Roll(firstSequence, now);
        }

        long start = segment.CommittedEnd;
        segment.File.WriteAndSync(start, frames);
        long end = start + frames.Length;
        WriteCheckpoint(segment.BaseSequence, end, nextSequence, lastTimestamp);

        AddIndexEntries(segment, frames, start);
        segment.Publish(end, nextSequence, lastTimestamp);
        Volatile.Write(ref _committedLastTimestampMs, lastTimestamp);
        Volatile.Write(ref _committedNextSequence, nextSequence);
    }

    private bool ShouldRoll(Segment segment, int batchLength, long now)
        => !segment.IsEmpty
           && (segment.CommittedEnd + batchLength > _options.SegmentMaxBytes
               || now - segment.CreatedMs >= (long)_options.SegmentMaxAge.TotalMilliseconds);

    /// <summary>Seals the active segment (if it holds records) and starts a new one at <paramref name="baseSequence"/>.</summary>
    private Segment Roll(ulong baseSequence, long now)
    {
        Segment? previous = _active;
        if (previous is not null && !previous.IsEmpty)
        {
            Seal(previous);
        }
        else if (previous is not null)
        {
            return previous; // defensive: an empty segment never needs rolling, its base is still the next sequence
        }

        string name = SegmentDescriptor.FileName(baseSequence);
        IStorageFile file = _device.OpenFile(name, create: true);
        try
        {
            Span<byte> header = stackalloc byte[SegmentDescriptor.HeaderLength];
            SegmentDescriptor.Write(header, baseSequence, now, _options.LogId);
            file.SetLength(0);
            file.Write(0, header);
            file.Sync();
            _device.SyncDirectory();
        }
        catch
        {
            file.Dispose();
            throw;
        }
        var segment = new Segment(file, baseSequence, now, new SparseIndex());
        Segment[] segments = Volatile.Read(ref _segments);
        Volatile.Write(ref _segments, [.. segments, segment]);
        _active = segment;
        return segment;
    }

    private void AddIndexEntries(Segment segment, ReadOnlySpan<byte> frames, long start)
    {
        SparseIndex index = segment.Index;
        int interval = _options.IndexIntervalBytes;
        int offset = 0;
        while (offset < frames.Length)
        {
            ReadOnlySpan<byte> frame = frames[offset..];
            long position = start + offset;
            if (index.LastPosition < 0 || position - index.LastPosition >= interval)
            {
                index.Add(new IndexEntry(
                    BinaryPrimitives.ReadUInt64LittleEndian(frame[FrameDescriptor.SequenceOffset..]),
                    BinaryPrimitives.ReadInt64LittleEndian(frame[FrameDescriptor.TimestampOffset..]),
                    position));
            }
            offset += FrameDescriptor.Align((int)FrameDescriptor.PeekLength(frame));
        }
    }

    private LogFailedException FailStop(Exception cause)
    {
        PendingBatch? pending;
        LogFailedException failure;
        lock (_appendLock)
        {
            failure = _failure ??= new LogFailedException(
                $"The log stopped acknowledging writes after a device failure: {cause.Message}", cause);
            pending = _pendingBatch;
            _pendingBatch = null;
            _pendingLength = 0;
        }
        pending?.Completion.TrySetException(failure);
        return failure;
    }

    private void RunFailStop(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not LogFailedException)
        {
            throw FailStop(e);
        }
    }

    private void ThrowIfFailed()
    {
        LogFailedException? failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>The completion shared by every append of one group commit.</summary>
    private sealed class PendingBatch
    {
        public readonly TaskCompletionSource Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
