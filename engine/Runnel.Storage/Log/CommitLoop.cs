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
/// <para>Start and stop: the queue and <c>_running</c> are guarded by one lock, taken once per idle-to-busy change
/// of a log (not per append) and once per round. The producer that queues a log while the loop is not running
/// starts it; the loop stops only after finding the queue empty under the lock, so a queued log is never left
/// without a loop, and two never run at once.</para>
/// <para>Threads: a running loop holds one pool thread, blocked in its barriers; a committer holds at most its
/// loop count of them, however many logs it serves (a writer per log held one per busy log).</para>
/// </remarks>
internal sealed class CommitLoop : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly Queue<ShardLog> _ready = new();
    private readonly List<ShardLog> _active = [];
    private readonly CommitRound _round = new();
    private bool _running; // under _lock

    /// <summary>Queues a log whose writer must start (its ring got a record while idle). Never blocks on I/O.</summary>
    public void Schedule(ShardLog log)
    {
        lock (_lock)
        {
            _ready.Enqueue(log);
            if (_running)
            {
                return;
            }
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        List<ShardLog> active = _active;
        while (true)
        {
            lock (_lock)
            {
                while (_ready.TryDequeue(out ShardLog? log))
                {
                    active.Add(log);
                }
                if (active.Count == 0)
                {
                    _running = false;
                    return;
                }
            }
            _round.Run(active);
        }
    }
}
