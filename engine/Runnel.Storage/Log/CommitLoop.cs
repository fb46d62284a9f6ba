using System.Collections.Concurrent;
using Runnel.Storage.Concurrency;

namespace Runnel.Storage.Log;

/// <summary>
/// One loop of a <see cref="LogCommitter"/>: a dedicated thread that runs <see cref="CommitRound"/>s over the logs
/// queued on it until none is ready, then parks.
/// </summary>
/// <remarks>
/// <para>Hand-over: a log is queued by the producer that won its ring's consumer-idle compare-and-swap, so it is in
/// the queue or the loop's active list at most once; the loop keeps it active (it is the log's writer) until its ring
/// is empty and <see cref="MpscRing"/>'s idle handshake lets it go.</para>
/// <para>Wake-up is a Dekker pair on <c>_idle</c>: the producer enqueues (a full fence) and then reads
/// <c>_idle</c>; the loop writes <c>_idle = 1</c>, a full fence, then reads the queue. One sees the other, and the
/// <c>CompareExchange(_idle, 0, 1)</c> lets exactly one party release the semaphore or carry on, so a queued log is
/// never left without a loop.</para>
/// </remarks>
internal sealed class CommitLoop(int index) : IDisposable
{
    private readonly ConcurrentQueue<ShardLog> _ready = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly List<ShardLog> _active = [];
    private readonly CommitRound _round = new();
    private readonly Lock _startLock = new();
    private Thread? _thread;
    private int _idle = 1;
    private volatile bool _stopping;

    /// <summary>Queues a log whose writer must start (its ring got a record while idle). Never blocks.</summary>
    public void Schedule(ShardLog log)
    {
        _ready.Enqueue(log);
        if (Volatile.Read(ref _idle) != 0 && Interlocked.CompareExchange(ref _idle, 0, 1) == 1)
        {
            if (_thread is null)
            {
                Start();
            }
            _signal.Release();
        }
    }

    /// <summary>Ends the thread once no log is active or queued, and waits for it.</summary>
    public void Dispose()
    {
        _stopping = true;
        _signal.Release();
        Thread? thread;
        lock (_startLock)
        {
            thread = _thread;
        }
        if (thread != Thread.CurrentThread)
        {
            thread?.Join();
            _signal.Dispose();
        }
    }

    private void Start()
    {
        lock (_startLock)
        {
            if (_thread is not null)
            {
                return;
            }
            var thread = new Thread(Run) { IsBackground = true, Name = $"runnel-commit-{index}" };
            thread.Start();
            _thread = thread;
        }
    }

    private void Run()
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
            if (!_ready.IsEmpty && Interlocked.CompareExchange(ref _idle, 0, 1) == 1)
            {
                continue; // a log came meanwhile and its producer saw us running: take it
            }
            if (_stopping)
            {
                return;
            }
            _signal.Wait(); // a producer that took _idle releases it once; Stop releases it too
        }
    }
}
