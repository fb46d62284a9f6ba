using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Runnel.Storage.Concurrency;

/// <summary>
/// A reusable awaitable completion: an <see cref="IValueTaskSource{TResult}"/> on
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/>, rented from a <see cref="ValueTaskSourcePool{TResult}"/>,
/// completed once by another thread, awaited once, and returned to its pool by that await.
/// </summary>
/// <remarks>
/// <para>Lifecycle: rent → <see cref="AsValueTask"/> handed to exactly one awaiter → <see cref="SetResult"/> or
/// <see cref="SetException"/> (once, any thread) → the awaiter's <c>GetResult</c> resets the core (which bumps its
/// version, so a stale <see cref="ValueTask{TResult}"/> fails instead of reading the next use's result) and returns the
/// source to the pool. A <see cref="ValueTask{TResult}"/> over it must be awaited (or converted with <c>AsTask</c>)
/// exactly once, as with any <see cref="ValueTask{TResult}"/>; one that is dropped keeps its source out of the pool.</para>
/// <para>Continuations always run asynchronously (queued to the thread pool), never inline on the completing thread:
/// the completer is the log's writer, which must not run request code. An <c>await</c> in an async method queues
/// its state-machine box directly, so completion allocates nothing.</para>
/// <para>Fences: the core publishes the result before the continuation runs (its completion flag is written with a
/// release and read with an acquire inside <c>ManualResetValueTaskSourceCore</c>).</para>
/// </remarks>
public sealed class PooledValueTaskSource<TResult> : IValueTaskSource<TResult>
{
    private readonly ValueTaskSourcePool<TResult> _pool;

    // Mutable struct mutated in place (SetResult, Reset); must not be readonly.
    private ManualResetValueTaskSourceCore<TResult> _core;

    internal PooledValueTaskSource(ValueTaskSourcePool<TResult> pool, int id)
    {
        _pool = pool;
        Id = id;
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>This source's index in its pool (stable for its lifetime): a token that fits in a record.</summary>
    public int Id { get; }

    /// <summary>The awaitable for the current use.</summary>
    public ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    /// <summary>Completes the current use with a result.</summary>
    public void SetResult(TResult result) => _core.SetResult(result);

    /// <summary>Completes the current use with an exception.</summary>
    public void SetException(Exception exception) => _core.SetException(exception);

    /// <inheritdoc />
    public TResult GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            ThrowMisuse();
        }
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _pool.Return(this);
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMisuse()
        => throw new InvalidOperationException("The ValueTask was already awaited, or awaited before it completed.");
}
