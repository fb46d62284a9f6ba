using System.Collections.Concurrent;
using Runnel.Storage.Concurrency;

namespace Runnel.Storage.Log;

/// <summary>
/// One loop of a <see cref="LogCommitter"/>: a thread-pool work item, at most one running at a time, that runs
/// <see cref="CommitRound"/>s over the logs queued on it until none is ready, then returns its thread.
/// </summary>
/// <remarks>
/// <para>Hand-over: a log is queued by the producer that won its ring's consumer-idle compare-and-swap, so it is in
/// the queue or the loop's active list at most once; the loop keeps it active (it is the log's writer) until its ring
/// is empty and <see cref="MpscRing"/>'s idle handshake lets it go.</para>
/// <para>Start and stop are a Dekker pair on <c>_idle</c>, as the ring's own consumer hand-over: the producer
/// enqueues (a full fence) and then reads <c>_idle</c>; the loop writes <c>_idle = 1</c>, a full fence, then reads
/// the queue. One sees the other, and <c>CompareExchange(_idle, 0, 1)</c> lets exactly one party run the loop next,
/// so a queued log is never left without one, and two never run at once.</para>
/// <para>Threads: a running loop holds one pool thread, blocked in its barriers; a committer holds at most its
/// loop count of them, however many logs it serves (a writer per log held one per log with records).</para>
/// </remarks>
internal sealed class CommitLoop : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<ShardLog> _ready = new();
    private readonly List<ShardLog> _active = [];
    private readonly CommitRound _round = new();
    private int _idle = 1;

    /// <summary>Queues a log whose writer must start (its ring got a record while idle). Never blocks.</summary>
    public void Schedule(ShardLog log)
    {
        _ready.Enqueue(log);
        if (Volatile.Read(ref _idle) != 0 && Interlocked.CompareExchange(ref _idle, 0, 1) == 1)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public void Execute()
    {
        List<ShardLog> active = _active;
        while (true)
        {
            while (_ready.TryDequeue(out ShardLog? log))
            {
                active.Add(log);
            }
            if (active.Count > 0)
            {
                _round.Run(active);
                continue;
            }
            Volatile.Write(ref _idle, 1);
            Interlocked.MemoryBarrier(); // Dekker: idle before re-reading the queue
            if (_ready.IsEmpty || Interlocked.CompareExchange(ref _idle, 0, 1) != 1)
            {
                return; // nothing queued, or its producer saw the loop idle and runs it again
            }
        }
    }
}
