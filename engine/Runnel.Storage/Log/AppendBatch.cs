using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Runnel.Model;

namespace Runnel.Storage.Log;

/// <summary>
/// Many records of one caller appended to one <see cref="ShardLog"/> under one acknowledgement (a PutRecords call's
/// records of one shard): rented from the log (<see cref="ShardLog.RentBatch"/>), filled by its one caller with
/// <see cref="TryAdd"/> (each record claims, encodes and publishes exactly like a single append, so the batch keeps
/// claim order and the ring's backpressure), closed with <see cref="WhenDurableAsync"/>, read with
/// <see cref="TryGetResult"/>, and given back with <see cref="Return"/>.
/// </summary>
/// <remarks>
/// <para>What it saves against single appends: one pooled completion, one <c>SetResult</c>, one continuation and one
/// await per batch instead of per record, and one clock read (the arrival time, read at rent) per batch. The writer
/// writes each record's <see cref="AppendResult"/> into the batch's array as the round holding it completes; a batch
/// may span rounds, so the ack counts down.</para>
/// <para>Count-down: <c>_remaining</c> starts at <see cref="Hold"/>, a bias no batch reaches; the writer subtracts each
/// run of the batch's records it answers; <see cref="WhenDurableAsync"/> adds <c>Count - Hold</c>. Whichever of them
/// brings it to zero completes the ack (the writer through the core, the caller synchronously). Both are
/// <c>Interlocked</c> (full fences), so the results and <c>_failedFrom</c>, written by the writer before its subtraction,
/// are visible to whoever sees zero.</para>
/// <para>Thread-safety: one caller thread at a time adds and closes (the caller's records are in claim order because
/// it adds them one after the other); the log's writer answers; continuations run on the pool, never on the writer.</para>
/// </remarks>
public sealed class AppendBatch : IValueTaskSource
{
    private const int Hold = 1 << 30;

    /// <summary>The most records one batch may hold.</summary>
    public const int MaxCapacity = 1 << 20;

    private readonly ShardLog _log;

    // Mutable struct mutated in place (SetResult, Reset); must not be readonly.
    private ManualResetValueTaskSourceCore<bool> _core;

    private AppendResult[] _results = [];
    private int _capacity;
    private int _count;
    private int _remaining;
    private int _failedFrom;
    private LogFailedException? _error;
    private bool _closed;

    internal AppendBatch(ShardLog log, int id)
    {
        _log = log;
        Id = id;
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>This batch's index in its log's registry (stable): the token its records carry in the ring.</summary>
    internal int Id { get; }

    /// <summary>The arrival time of every record of the batch (read once, at rent).</summary>
    internal long ArrivalMs { get; private set; }

    /// <summary>The most records this batch takes (as rented); <see cref="TryAdd"/> beyond it throws.</summary>
    public int Capacity => _capacity;

    /// <summary>Records added so far (their results are at indexes 0 to <c>Count - 1</c>, in the order added).</summary>
    public int Count => _count;

    /// <summary>
    /// Appends a record to the log as the batch's next one; the spans are copied before it returns. See
    /// <see cref="AppendBatchStatus"/> for what a caller does with a record not taken.
    /// </summary>
    public AppendBatchStatus TryAdd(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data)
        => _log.TryAddToBatch(this, partitionKeyUtf8, explicitHashKey, data, encrypted: false);

    /// <summary>As <see cref="TryAdd"/> for an encrypted envelope (see <see cref="ShardLog.AppendEncryptedAsync"/>).</summary>
    public AppendBatchStatus TryAddEncrypted(ReadOnlySpan<byte> envelopeKeyField, ReadOnlySpan<byte> envelopeDataField)
        => _log.TryAddToBatch(this, envelopeKeyField, null, envelopeDataField, encrypted: true);

    /// <summary>
    /// Closes the batch (no more adds) and completes once every record added is durable, never before; fails with the
    /// log's <see cref="LogFailedException"/> when any of them failed (then <see cref="TryGetResult"/> tells which did
    /// not: a suffix, since a failed log fails everything after). Await it exactly once, then read the results, then
    /// <see cref="Return"/> the batch.
    /// </summary>
    public ValueTask WhenDurableAsync()
    {
        if (_closed)
        {
            ThrowMisuse();
        }
        _closed = true;
        if (Interlocked.Add(ref _remaining, _count - Hold) != 0)
        {
            return new ValueTask(this, _core.Version);
        }
        return _error is null ? ValueTask.CompletedTask : ValueTask.FromException(_error);
    }

    /// <summary>The acknowledgement of the record added <paramref name="index"/>-th; false when it failed.</summary>
    public bool TryGetResult(int index, out AppendResult result)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        result = _results[index];
        return index < _failedFrom;
    }

    /// <summary>Gives the batch back to its log for reuse, after <see cref="WhenDurableAsync"/> has completed.</summary>
    public void Return()
    {
        if (!_closed || Volatile.Read(ref _remaining) != 0)
        {
            ThrowMisuse();
        }
        _core.Reset();
        _count = 0;
        _error = null;
        _closed = false;
        _log.ReturnBatch(this);
    }

    /// <summary>Opens a rented batch: the arrival time, and the hold that keeps the ack from completing early.</summary>
    internal void Open(int capacity, long arrivalMs)
    {
        if (_results.Length < capacity)
        {
            _results = new AppendResult[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)capacity))];
        }
        _capacity = capacity;
        ArrivalMs = arrivalMs;
        _failedFrom = int.MaxValue;
        Volatile.Write(ref _remaining, Hold);
    }

    /// <summary>
    /// The index the next added record gets, or -1 when the batch already holds the capacity it was rented with (the
    /// results array never grows while the writer may be writing into it).
    /// </summary>
    internal int NextIndex() => _count < _capacity ? _count : -1;

    /// <summary>The record at <see cref="NextIndex"/> is published.</summary>
    internal void Added() => _count++;

    /// <summary>
    /// The writer answers <paramref name="results"/>.Length consecutive records of this batch, from
    /// <paramref name="firstIndex"/>: acknowledged, or failed with <paramref name="error"/>.
    /// </summary>
    internal void Answer(ReadOnlySpan<AppendResult> results, int firstIndex, LogFailedException? error)
    {
        // Runs on the writer; the caller may still be adding (at indexes past these), never resizing.
        if (error is null)
        {
            results.CopyTo(_results.AsSpan(firstIndex));
        }
        else
        {
            _error ??= error;
            _failedFrom = Math.Min(_failedFrom, firstIndex);
        }
        if (Interlocked.Add(ref _remaining, -results.Length) == 0)
        {
            if (_error is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(_error);
            }
        }
    }

    /// <inheritdoc />
    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    /// <inheritdoc />
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMisuse()
        => throw new InvalidOperationException("The batch was already closed, or returned before its acknowledgement completed.");
}
