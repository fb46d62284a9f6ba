namespace Runnel.Storage.Concurrency;

/// <summary>
/// Tasks that complete once a monotonic position, advanced by one thread, reaches each task's target. Shared across
/// threads: any thread calls <see cref="WhenReached"/>; the one thread that advances the position calls
/// <see cref="Advanced"/> after each store.
/// </summary>
/// <remarks>
/// <para>For cold paths only (a task and a list entry per wait): closing a shard, a producer waiting on a full log.</para>
/// <para>Fences: a Dekker pair. The waiter adds itself and increments the count (a full fence) and then re-reads the
/// position; the advancer stores the position, issues a full fence and then reads the count. One of the two sees the
/// other's write, so a waiter whose target is reached is never left waiting. Continuations run asynchronously, never
/// on the advancing thread.</para>
/// </remarks>
internal sealed class PositionWaiters
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private int _count;

    /// <summary>A task that completes once <paramref name="position"/> is at least <paramref name="target"/>.</summary>
    public Task WhenReached(ref long position, long target)
    {
        if (Volatile.Read(ref position) >= target)
        {
            return Task.CompletedTask;
        }
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((target, waiter));
            Interlocked.Increment(ref _count); // full fence before re-reading the position
        }
        if (Volatile.Read(ref position) >= target)
        {
            Complete(position);
        }
        return waiter.Task;
    }

    /// <summary>Called by the advancing thread right after it stored <paramref name="position"/> (with Volatile.Write).</summary>
    public void Advanced(long position)
    {
        Interlocked.MemoryBarrier(); // the position store before the count load
        if (Volatile.Read(ref _count) != 0)
        {
            Complete(position);
        }
    }

    private void Complete(long position)
    {
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= position)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }
}
