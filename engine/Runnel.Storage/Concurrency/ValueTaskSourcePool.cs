using System.Runtime.CompilerServices;

namespace Runnel.Storage.Concurrency;

/// <summary>
/// A bounded pool of <see cref="PooledValueTaskSource{TResult}"/>, one per owner (a <c>ShardLog</c>), so that an
/// operation that completes later hands out a <see cref="ValueTask{TResult}"/> without allocating. Shared across
/// threads: producers rent, awaiters return, the completer looks sources up by <see cref="PooledValueTaskSource{TResult}.Id"/>.
/// </summary>
/// <remarks>
/// <para>Algorithm: a registry array (index = id) that only grows, copy-on-write, and a free-list stack of the
/// sources not in use. Sources are created on demand up to <c>maxSources</c>; after that <see cref="TryRent"/> returns
/// null (the caller treats it as backpressure). In steady state nothing is allocated: the free list is as large as
/// the most sources ever out at once.</para>
/// <para>Invariants: a source is either on the free list or rented by exactly one operation; an id never changes
/// owner; the registry never shrinks, so <see cref="this[int]"/> is valid for every id handed out.</para>
/// <para>Fences: rent and return take a short lock (one uncontended compare-and-swap each); the registry is replaced
/// under that lock and published with <c>Volatile.Write</c>, and read with <c>Volatile.Read</c> by the completer,
/// which only looks up ids it received through a fenced channel (the ring) after the rent that created them.</para>
/// <para>DEBUG builds count outstanding rentals (<c>Outstanding</c>).</para>
/// </remarks>
public sealed class ValueTaskSourcePool<TResult>
{
    private readonly Lock _lock = new();
    private readonly int _maxSources;
    private PooledValueTaskSource<TResult>[] _registry = [];
    private PooledValueTaskSource<TResult>[] _free = [];
    private int _count;
    private int _freeCount;
#if DEBUG
    private int _outstanding;
#endif

    /// <summary>Creates an empty pool that will hold at most <paramref name="maxSources"/> sources.</summary>
    public ValueTaskSourcePool(int maxSources)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSources);
        _maxSources = maxSources;
    }

    /// <summary>Sources created so far (in use or free).</summary>
    public int Count => Volatile.Read(ref _count);

#if DEBUG
    /// <summary>Sources rented and not yet returned (DEBUG builds only).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);
#endif

    /// <summary>The source with this id.</summary>
    public PooledValueTaskSource<TResult> this[int id] => Volatile.Read(ref _registry)[id];

    /// <summary>A free source, or a new one; null when <c>maxSources</c> are all in use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PooledValueTaskSource<TResult>? TryRent()
    {
        PooledValueTaskSource<TResult>? source = null;
        lock (_lock)
        {
            if (_freeCount > 0)
            {
                source = _free[--_freeCount];
                _free[_freeCount] = null!;
            }
        }
        source ??= Create();
#if DEBUG
        if (source is not null)
        {
            Interlocked.Increment(ref _outstanding);
        }
#endif
        return source;
    }

    internal void Return(PooledValueTaskSource<TResult> source)
    {
#if DEBUG
        Interlocked.Decrement(ref _outstanding);
#endif
        lock (_lock)
        {
            _free[_freeCount++] = source;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private PooledValueTaskSource<TResult>? Create()
    {
        lock (_lock)
        {
            if (_count >= _maxSources)
            {
                return null;
            }
            if (_count == _registry.Length)
            {
                // Grow by doubling (amortised O(1) per source). The free list grows with it, so that it can hold
                // every source and Return never allocates.
                int size = Math.Min(_maxSources, Math.Max(16, _registry.Length * 2));
                var registry = new PooledValueTaskSource<TResult>[size];
                _registry.CopyTo(registry, 0);
                Volatile.Write(ref _registry, registry);
                Array.Resize(ref _free, size);
            }
            var source = new PooledValueTaskSource<TResult>(this, _count);
            _registry[_count] = source;
            Volatile.Write(ref _count, _count + 1);
            return source;
        }
    }
}
