using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Runnel.Model;
using Runnel.Storage.Concurrency;
using Runnel.Storage.Framing;
using Runnel.Storage.Index;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// The append side: request threads put frames into a lock-free <see cref="MpscRing"/>; one writer at a time drains
/// it in batches and group-commits each batch (one write and one fdatasync of the segment, one of the checkpoint),
/// then completes every append of the batch through a pooled, allocation-free completion.
/// </summary>
/// <remarks>
/// <para><b>Producer</b> (<see cref="AppendAsync"/>, any thread, never blocks): rent a completion from the log's
/// <see cref="ValueTaskSourcePool{TResult}"/>, read the clock (the arrival time), claim ring space (one
/// compare-and-swap, <see cref="RingFullPolicy.Reject"/>: a full ring is a <see cref="LogBackpressureException"/>),
/// encode the frame with <see cref="FrameDescriptor.Write"/> into the claimed bytes, publish it (length written last),
/// and start the writer if it was idle. The frame's sequence field temporarily carries the completion's id. A frame
/// longer than half the ring is encoded into a rented array instead, and the ring gets an 8-byte indirect record
/// with the id, so it keeps its place in claim order.</para>
/// <para><b>Batches</b> (<see cref="RentBatch"/>, <see cref="AppendBatch"/>): many records of one caller under one
/// completion. Each record claims, encodes and publishes as above (so it keeps claim order and meets the same full
/// ring), without a completion of its own or a clock read (the batch read it once, at rent); its frame's sequence
/// field carries the batch id and its index (<c>BatchToken</c>). The writer writes each record's result into the
/// batch and counts the batch down once per run of its records in a round.</para>
/// <para><b>Sequences are assigned at drain time.</b> Claim order (the ring's tail) is the order the writer reads
/// records in, and the writer gives each frame the next sequence and the timestamp <c>max(arrival, previous)</c>, then
/// writes both into the frame and recomputes its checksum. So sequences are gap-free and in file order, timestamps
/// never decrease, and one atomic (the claim) orders everything. Consequence: a producer learns its sequence only
/// from the acknowledgement (<see cref="AppendResult"/>), which is exactly when the API hands it out;
/// <see cref="AppendedNextSequence"/> counts records the writer has taken, not records still in the ring. The price
/// is a second checksum pass (the producer's, over the id, is thrown away) and one copy into the writer's staging
/// buffer, which also frees ring space before the fdatasync rather than after it.</para>
/// <para><b>Writer</b> (the log's commit loop, <see cref="LogCommitter"/>, or without one a pool work item of the log's
/// own; at most one at a time, handed over through the ring's consumer-idle handshake; see ShardLog.Commit.cs): take
/// every published record up to the first unpublished one (at most a ring's worth), copy and seal the frames into the
/// staging buffer, release the ring space, commit under the commit lock (with the other logs of the round), complete
/// the batch's completions (continuations run on the pool, never on the writer), advance the done position, wake
/// <see cref="WhenCommittedAsync"/> waiters; when the ring is empty, mark itself idle.</para>
/// <para><b>Fences.</b> Ring: see <see cref="MpscRing"/>. The writer's fields (<c>_readPosition</c>,
/// <c>_staging</c>, the batch arrays, <c>_nextSequence</c>, <c>_lastTimestampMs</c>) are touched by one writer at a
/// time; the hand-over is the ring's <c>ConsumerIdle</c> compare-and-swap (full fence) plus the thread-pool queue.
/// <c>_donePosition</c> is written with <c>Volatile.Write</c> after the batch's completions and read with
/// <c>Volatile.Read</c> by <see cref="WhenCommittedAsync"/> and <see cref="Dispose"/>, <c>_takenPosition</c> likewise
/// after each batch is taken (<see cref="WhenTakenAsync"/>); each pairs with its waiters as <see cref="PositionWaiters"/>
/// describes.</para>
/// <para><b>Failure.</b> A failed write or sync fail-stops the log: that batch and every record after it complete
/// with <see cref="LogFailedException"/>; the writer keeps draining so that every claimed record is answered.</para>
/// </remarks>
public sealed partial class ShardLog
{
    private const int IndirectRecordLength = 8;
    private const int MaxCompletions = 1 << 20;
    private const int InitialStagingBytes = 64 * 1024;

    private readonly MpscRing _ring;
    private readonly ValueTaskSourcePool<AppendResult> _completions = new(MaxCompletions);

    // Batches (AppendBatch) by id, and the free ones; guarded by _batchLock (one rent and one return per batch).
    private readonly Lock _batchLock = new();
    private AppendBatch[] _batchRegistry = [];
    private AppendBatch[] _freeBatches = [];
    private int _freeBatchCount;

    // Frames too long for the ring, by completion id; guarded by _oversizeLock (cold path only).
    private readonly Lock _oversizeLock = new();
    private byte[]?[] _oversize = [];
    private long _oversizeBytes;

    // Writer-owned: only the running writer touches these (see the remarks on hand-over).
    private long _readPosition;
    private byte[] _staging = []; // allocated by the first batch (InitialStagingBytes), dropped with the ring when closed
    // Per record taken: its completion (a PooledValueTaskSource<AppendResult>) or its AppendBatch, and its index there.
    private object?[] _batchSources = new object?[256];
    private int[] _batchIndexes = new int[256];
    private AppendResult[] _batchResults = new AppendResult[256];
    private ulong _nextSequence;
    private long _lastTimestampMs;

    // Ring position below which every record is committed or failed (Volatile).
    private long _donePosition;

    // Ring position below which every record has been taken into a batch (Volatile; the ring has room again).
    private long _takenPosition;

    private readonly PositionWaiters _commitWaiters = new();
    private readonly PositionWaiters _takenWaiters = new();

    private int _closed;
    private int _releaseRingWhenIdle; // set once the shard is closed for good (ReleaseAppendBuffer)
    private bool _filesClosed; // under _commitLock
    private LogFailedException? _failure;

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data)
        => Append(partitionKeyUtf8, explicitHashKey, data, encrypted: false);

    /// <summary>
    /// Appends a record whose partition key and data fields hold an encrypted envelope (Runnel.Streams' encryption at
    /// rest): the frame gets <see cref="FrameDescriptor.EncryptedFlag"/> and no explicit hash key; the log stores,
    /// checksums and recovers it like any other. Otherwise as <see cref="AppendAsync"/>.
    /// </summary>
    public ValueTask<AppendResult> AppendEncryptedAsync(ReadOnlySpan<byte> envelopeKeyField, ReadOnlySpan<byte> envelopeDataField)
        => Append(envelopeKeyField, null, envelopeDataField, encrypted: true);

    /// <summary>
    /// As <see cref="AppendAsync"/>, except that a log full of uncommitted records (no ring space or no completion
    /// left) is a false return instead of a <see cref="LogBackpressureException"/>: a caller that waits and retries
    /// on a full log (Runnel.Streams with limits off) then pays no exception, which cost tens of microseconds per
    /// refusal at hundreds of refusals per second. Every other outcome, including a full log for a frame too long for
    /// the ring (rare), is in <paramref name="acknowledgement"/> exactly as <see cref="AppendAsync"/> would give it.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data, out ValueTask<AppendResult> acknowledgement)
        => TryAppend(partitionKeyUtf8, explicitHashKey, data, encrypted: false, out acknowledgement);

    /// <summary>As <see cref="AppendEncryptedAsync"/>, with a full log a false return (see <see cref="TryAppend(ReadOnlySpan{byte}, HashKey?, ReadOnlySpan{byte}, out ValueTask{AppendResult})"/>).</summary>
    public bool TryAppendEncrypted(ReadOnlySpan<byte> envelopeKeyField, ReadOnlySpan<byte> envelopeDataField, out ValueTask<AppendResult> acknowledgement)
        => TryAppend(envelopeKeyField, null, envelopeDataField, encrypted: true, out acknowledgement);

    /// <summary>
    /// Rents a batch for up to <paramref name="capacity"/> records of one caller, under one acknowledgement (see
    /// <see cref="AppendBatch"/>); the arrival time of all of them is read here, once. Allocation-free once the log's
    /// pool holds as many batches as are ever open at once.
    /// </summary>
    public AppendBatch RentBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, AppendBatch.MaxCapacity);
        AppendBatch? batch = null;
        lock (_batchLock)
        {
            if (_freeBatchCount > 0)
            {
                batch = _freeBatches[--_freeBatchCount];
                _freeBatches[_freeBatchCount] = null!;
            }
        }
        batch ??= CreateBatch();
        batch.Open(capacity, NowMs());
        return batch;
    }

    internal void ReturnBatch(AppendBatch batch)
    {
        lock (_batchLock)
        {
            _freeBatches[_freeBatchCount++] = batch;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private AppendBatch CreateBatch()
    {
        lock (_batchLock)
        {
            int id = _batchRegistry.Length;
            if (id == MaxCompletions)
            {
                throw new InvalidOperationException($"More than {MaxCompletions} batches are open on one log.");
            }
            var batch = new AppendBatch(this, id);
            // Copy-on-write, published with Volatile.Write: the writer looks ids up without the lock (it learns an id
            // through the ring, after this rent). One slot more per batch ever open at once, so this stays small.
            Volatile.Write(ref _batchRegistry, [.. _batchRegistry, batch]);
            Array.Resize(ref _freeBatches, _batchRegistry.Length);
            return batch;
        }
    }

    /// <summary>
    /// The token a batch's record carries in its frame's sequence field until the writer seals it: the batch id in the
    /// low half, the record's index plus one in the high half (never zero, which is how it differs from a completion id).
    /// </summary>
    private static ulong BatchToken(AppendBatch batch, int index) => ((ulong)(uint)(index + 1) << 32) | (uint)batch.Id;

    /// <summary><see cref="AppendBatch.TryAdd"/>: claim, encode and publish as <see cref="TryAppend(ReadOnlySpan{byte}, HashKey?, ReadOnlySpan{byte}, bool, out ValueTask{AppendResult})"/>, without a completion or a clock read of its own.</summary>
    internal AppendBatchStatus TryAddToBatch(AppendBatch batch, ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data, bool encrypted)
    {
        int index = batch.NextIndex();
        if (index < 0)
        {
            throw new InvalidOperationException("The batch already holds the records it was rented for.");
        }
        if (partitionKeyUtf8.Length > FrameDescriptor.MaxPartitionKeyBytes || data.Length > FrameDescriptor.MaxDataBytes
            || Volatile.Read(ref _closed) != 0 || Volatile.Read(ref _failure) is not null)
        {
            return AppendBatchStatus.AppendAlone;
        }
        int frameLength = FrameDescriptor.AlignedLength(partitionKeyUtf8.Length, explicitHashKey.HasValue, data.Length);
        if (_ring.TryClaim(frameLength, out RingClaim claim) != RingClaimStatus.Claimed)
        {
            return frameLength > _ring.MaxPayloadLength ? AppendBatchStatus.AppendAlone : AppendBatchStatus.Full;
        }
        FrameDescriptor.WriteUnsealed(_ring.GetPayload(claim), BatchToken(batch, index), batch.ArrivalMs, partitionKeyUtf8, explicitHashKey, data, encrypted);
        batch.Added(); // before the publish: from then on the writer may answer the record
        if (_ring.Publish(claim))
        {
            StartWriter();
        }
        return AppendBatchStatus.Added;
    }

    private ValueTask<AppendResult> Append(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data, bool encrypted)
        => TryAppend(partitionKeyUtf8, explicitHashKey, data, encrypted, out ValueTask<AppendResult> acknowledgement) ? acknowledgement : Backpressure(null);

    private bool TryAppend(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data, bool encrypted, out ValueTask<AppendResult> acknowledgement)
    {
        if (partitionKeyUtf8.Length > FrameDescriptor.MaxPartitionKeyBytes || data.Length > FrameDescriptor.MaxDataBytes)
        {
            acknowledgement = TooLarge();
            return true;
        }
        if (Volatile.Read(ref _closed) != 0 || Volatile.Read(ref _failure) is not null)
        {
            acknowledgement = Refused();
            return true;
        }
        PooledValueTaskSource<AppendResult>? completion = _completions.TryRent();
        if (completion is null)
        {
            acknowledgement = default;
            return false;
        }
        int frameLength = FrameDescriptor.AlignedLength(partitionKeyUtf8.Length, explicitHashKey.HasValue, data.Length);
        long arrivalMs = NowMs();
        if (_ring.TryClaim(frameLength, out RingClaim claim) != RingClaimStatus.Claimed)
        {
            if (frameLength > _ring.MaxPayloadLength)
            {
                acknowledgement = AppendOversize(completion, arrivalMs, partitionKeyUtf8, explicitHashKey, data, frameLength, encrypted);
                return true;
            }
            _completions.Return(completion);
            acknowledgement = default;
            return false;
        }
        // The sequence field carries the completion id until the writer assigns the sequence.
        FrameDescriptor.WriteUnsealed(_ring.GetPayload(claim), (ulong)completion.Id, arrivalMs, partitionKeyUtf8, explicitHashKey, data, encrypted);
        acknowledgement = completion.AsValueTask();
        if (_ring.Publish(claim))
        {
            StartWriter();
        }
        return true;
    }

    /// <summary>
    /// The sequence the writer gives the next record it takes from the ring (records still in the ring have none
    /// yet). With appends stopped by the caller, and after <see cref="WhenCommittedAsync"/>, it equals
    /// <see cref="CommittedNextSequence"/>.
    /// </summary>
    public ulong AppendedNextSequence => Volatile.Read(ref _nextSequence);

    /// <summary>
    /// Completes when every append made before the call has been committed (or has failed). Used to close a
    /// shard: stop new appends, then wait for this, then the committed tip is final.
    /// </summary>
    public Task WhenCommittedAsync() => _commitWaiters.WhenReached(ref _donePosition, _ring.TailPosition);

    /// <summary>
    /// Completes when the writer has taken every append made before the call out of the ring (into the batch it
    /// commits), which frees the ring; the records need not be durable yet. A producer that found the log full
    /// (<see cref="TryAppend(ReadOnlySpan{byte}, HashKey?, ReadOnlySpan{byte}, out ValueTask{AppendResult})"/> false)
    /// waits for this and appends again, and so refills the ring while that batch's fdatasync runs; waiting for
    /// <see cref="WhenCommittedAsync"/> instead would also wait for the records appended during the commit in flight,
    /// one whole commit more, with the ring empty.
    /// </summary>
    public Task WhenTakenAsync() => _takenWaiters.WhenReached(ref _takenPosition, _ring.TailPosition);

    /// <summary>Whether the writer has taken every record appended so far into its batch (a synchronous <see cref="WhenTakenAsync"/>).</summary>
    internal bool AllTaken => Volatile.Read(ref _takenPosition) >= _ring.TailPosition;

    /// <summary>
    /// Gives back the append ring's memory (up to 1 MiB) of a log that will not be appended to again: a closed
    /// shard's. Call it after <see cref="WhenCommittedAsync"/> with appends stopped for good; the log stays readable.
    /// Returns true when the buffer is gone; false when the writer is still finishing its last batch, which then
    /// releases the buffer itself as it goes idle. An append after it would still work: the ring allocates a new
    /// buffer on its next claim.
    /// </summary>
    public bool ReleaseAppendBuffer()
    {
        Volatile.Write(ref _releaseRingWhenIdle, 1);
        Interlocked.MemoryBarrier(); // Dekker with RunWriter: the request before the idle check it races with
        if (!_ring.TryReleaseBuffer())
        {
            return false;
        }
        // The ring is empty and its consumer idle, and no producer comes: no writer runs, so its staging can go too.
        _staging = [];
        return true;
    }

    /// <summary>Whether the append ring holds its buffer (it is allocated on the first append).</summary>
    public bool HoldsAppendBuffer => _ring.IsBufferAllocated;

    private static int RingCapacity(ShardLogOptions options)
        => 1 << BitOperations.Log2((uint)Math.Min(options.MaxPendingBytes, options.AppendRingBytes));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ValueTask<AppendResult> TooLarge()
        => ValueTask.FromException<AppendResult>(new ArgumentOutOfRangeException("data", "The record is larger than a frame allows."));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<AppendResult> Refused()
        => ValueTask.FromException<AppendResult>(Volatile.Read(ref _failure) ?? new LogFailedException("The log is closed.", null));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<AppendResult> Backpressure(PooledValueTaskSource<AppendResult>? unused)
    {
        if (unused is not null)
        {
            _completions.Return(unused);
        }
        return ValueTask.FromException<AppendResult>(new LogBackpressureException(
            $"The log already holds its limit of appended, uncommitted records ({_ring.Capacity} bytes of ring, " +
            $"{Volatile.Read(ref _oversizeBytes)} bytes of large records; MaxPendingBytes {_options.MaxPendingBytes})."));
    }

    /// <summary>A frame longer than the ring allows: encoded aside, and an indirect record keeps its place in order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<AppendResult> AppendOversize(
        PooledValueTaskSource<AppendResult> completion,
        long arrivalMs,
        ReadOnlySpan<byte> partitionKeyUtf8,
        HashKey? explicitHashKey,
        ReadOnlySpan<byte> data,
        int frameLength,
        bool encrypted)
    {
        long pending = Interlocked.Add(ref _oversizeBytes, frameLength);
        if (pending > _options.MaxPendingBytes && pending != frameLength)
        {
            Interlocked.Add(ref _oversizeBytes, -frameLength);
            return Backpressure(completion);
        }
        byte[] frame = ArrayPool<byte>.Shared.Rent(frameLength);
        FrameDescriptor.WriteUnsealed(frame, (ulong)completion.Id, arrivalMs, partitionKeyUtf8, explicitHashKey, data, encrypted);
        lock (_oversizeLock)
        {
            if (_oversize.Length <= completion.Id)
            {
                Array.Resize(ref _oversize, Math.Max(completion.Id + 1, _oversize.Length * 2));
            }
            _oversize[completion.Id] = frame;
        }
        if (_ring.TryClaim(IndirectRecordLength, out RingClaim claim) != RingClaimStatus.Claimed)
        {
            TakeOversize(completion.Id);
            return Backpressure(completion);
        }
        BinaryPrimitives.WriteInt64LittleEndian(_ring.GetPayload(claim), completion.Id);
        ValueTask<AppendResult> acknowledgement = completion.AsValueTask();
        if (_ring.Publish(claim))
        {
            StartWriter();
        }
        return acknowledgement;
    }

    /// <summary>Removes a large frame from the side table and its bytes from the pending count, and returns its array to the pool.</summary>
    private void TakeOversize(int id)
    {
        byte[] frame;
        lock (_oversizeLock)
        {
            frame = _oversize[id]!;
            _oversize[id] = null;
        }
        Interlocked.Add(ref _oversizeBytes, -FrameDescriptor.Align((int)FrameDescriptor.PeekLength(frame)));
        ArrayPool<byte>.Shared.Return(frame);
    }

    /// <summary>
    /// Copies published frames from the ring into the staging buffer, assigning sequences and timestamps and sealing
    /// each frame's checksum, then releases their ring space. Returns the number of frames.
    /// </summary>
    private int TakeBatch(out int bytes)
    {
        bytes = 0;
        return TakeBatch(0, ref bytes);
    }

    /// <summary>
    /// As <see cref="TakeBatch(out int)"/>, after the <paramref name="count"/> frames (<paramref name="bytes"/>) already
    /// in the staging buffer: at most another ring's worth. Returns the new frame count.
    /// </summary>
    private int TakeBatch(int count, ref int bytes)
    {
        long position = _readPosition;
        int used = bytes; // a local, so that the loop keeps it in a register
        int limit = used + _ring.Capacity;
        int first = count;
        while (_ring.TryRead(position, out ReadOnlySpan<byte> payload, out long next))
        {
            byte[]? oversize = null;
            ReadOnlySpan<byte> source;
            if (payload.Length == IndirectRecordLength)
            {
                int id = (int)BinaryPrimitives.ReadInt64LittleEndian(payload);
                lock (_oversizeLock)
                {
                    oversize = _oversize[id]!;
                }
                source = oversize.AsSpan(0, FrameDescriptor.Align((int)FrameDescriptor.PeekLength(oversize)));
            }
            else
            {
                source = payload;
            }
            // The sequence field carries the record's token: a completion id, or a batch id and index (BatchToken).
            ulong token = BinaryPrimitives.ReadUInt64LittleEndian(source[FrameDescriptor.SequenceOffset..]);
            if (count > first && used + source.Length > limit)
            {
                break; // batch full; this record starts the next one
            }
            if (used + source.Length > _staging.Length || count == _batchSources.Length)
            {
                GrowBatch(used, used + source.Length, count);
            }
            Span<byte> frame = _staging.AsSpan(used, source.Length);
            source.CopyTo(frame);
            if (oversize is not null)
            {
                TakeOversize((int)token); // only single appends go aside, keyed by their completion id
            }
            if (token >> 32 == 0)
            {
                _batchSources[count] = _completions[(int)token];
            }
            else
            {
                _batchSources[count] = Volatile.Read(ref _batchRegistry)[(int)(uint)token];
                _batchIndexes[count] = (int)(token >> 32) - 1;
            }
            _batchResults[count] = Seal(frame);
            count++;
            used += frame.Length;
            position = next;
        }
        _ring.Release(position);
        _readPosition = position;
        bytes = used;
        Volatile.Write(ref _takenPosition, position);
        _takenWaiters.Advanced(position);
        return count;
    }

    /// <summary>Gives a frame its sequence and timestamp and recomputes its checksum (same coverage as <see cref="FrameDescriptor"/>).</summary>
    private AppendResult Seal(Span<byte> frame)
    {
        ulong sequence = _nextSequence;
        long timestamp = Math.Max(BinaryPrimitives.ReadInt64LittleEndian(frame[FrameDescriptor.TimestampOffset..]), _lastTimestampMs);
        Volatile.Write(ref _nextSequence, sequence + 1);
        _lastTimestampMs = timestamp;
        BinaryPrimitives.WriteUInt64LittleEndian(frame[FrameDescriptor.SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[FrameDescriptor.TimestampOffset..], timestamp);
        uint length = FrameDescriptor.PeekLength(frame);
        uint state = Crc32C.AppendUInt32(Crc32C.Seed, length);
        state = Crc32C.Append(state, frame[FrameDescriptor.SequenceOffset..(int)length]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[FrameDescriptor.ChecksumOffset..], Crc32C.Finish(state));
        return new AppendResult(sequence, timestamp);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowBatch(int usedBytes, int neededBytes, int count)
    {
        if (neededBytes > _staging.Length)
        {
            byte[] larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, Math.Max(Math.Max(neededBytes, InitialStagingBytes), _staging.Length * 2L)));
            _staging.AsSpan(0, usedBytes).CopyTo(larger);
            _staging = larger;
        }
        if (count == _batchSources.Length)
        {
            Array.Resize(ref _batchSources, count * 2);
            Array.Resize(ref _batchIndexes, count * 2);
            Array.Resize(ref _batchResults, count * 2);
        }
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
            // A sealed segment keeps no zeros past its data (the prewritten tail, O_DIRECT block padding): cut them,
            // durably, before its index names where the data ends and before the next segment exists.
            // (The logical length hides them, so the cut is unconditional: one ftruncate and one fdatasync per roll.)
            previous.File.SetLength(previous.CommittedEnd);
            previous.File.Sync();
            Seal(previous);
        }
        else if (previous is not null)
        {
            return previous; // defensive: an empty segment never needs rolling, its base is still the next sequence
        }

        string name = SegmentDescriptor.FileName(baseSequence);
        IStorageFile file = _device.OpenFile(name, create: true, StorageFileOptions.PrewrittenTail | StorageFileOptions.SequentialReads);
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
        var failure = new LogFailedException(
            $"The log stopped acknowledging writes after a device failure: {cause.Message}", cause);
        return Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;
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
}
