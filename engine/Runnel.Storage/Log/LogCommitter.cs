namespace Runnel.Storage.Log;

/// <summary>
/// Shared commit loops: a small fixed number of threads that drain the append rings of many <see cref="ShardLog"/>s
/// and group-commit them together, so that the cost of a commit does not grow with the number of shards (ADR 0006).
/// A log is given one loop when it opens (round-robin, fixed for its life); when its ring gets records and its writer
/// is idle, it queues itself on that loop instead of running a writer of its own.
/// </summary>
/// <remarks>
/// <para>A <b>round</b> of a loop takes every ready log; drains and seals each one's batch into its staging buffer
/// (sequences, timestamps, large records and segment rolls exactly as a log's own writer does); writes every
/// batch; issues ONE barrier for all their segment files (<see cref="Io.StorageSyncBatch"/>: one io_uring
/// submission of fdatasyncs per sync group, or each file's own sync); then writes every checkpoint and issues one
/// barrier for those; then acknowledges every log's appends. Durable order per log is unchanged: data synced before
/// its checkpoint is written, the append acknowledged after the checkpoint is synced (ADR 0001). A round of one log
/// uses the linked write + fdatasync of the log's own writer.</para>
/// <para><b>Failure</b> is per log: a failed write or sync of one log fail-stops that log only (its batch and every
/// later append get <see cref="LogFailedException"/>); the other logs of the round commit.</para>
/// <para><b>Threads</b>: a loop is a thread-pool work item that runs while any of its logs has records and returns
/// its thread when none has, so the blocking I/O of all the logs holds at most <see cref="LoopCount"/> pool threads
/// (a writer per log held one per busy log). A log belongs to one loop, so one writer at a time per log (ADR 0004)
/// holds. <see cref="Shared"/> is the process-wide default (one loop per core); a committer owns no thread or
/// handle while idle, so it needs no disposal.</para>
/// </remarks>
public sealed class LogCommitter
{
    /// <summary>The most loops a committer may have.</summary>
    public const int MaxLoops = 256;

    private static readonly Lazy<LogCommitter> s_shared = new(() => new LogCommitter(Environment.ProcessorCount));

    private readonly CommitLoop[] _loops;
    private int _nextLoop = -1;

    /// <summary>A committer with <paramref name="loops"/> commit loops (threads), 1 to <see cref="MaxLoops"/>.</summary>
    public LogCommitter(int loops)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loops, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(loops, MaxLoops);
        _loops = new CommitLoop[loops];
        for (int i = 0; i < loops; i++)
        {
            _loops[i] = new CommitLoop();
        }
    }

    /// <summary>The process-wide committer, one loop per core (<see cref="Environment.ProcessorCount"/>); never disposed.</summary>
    public static LogCommitter Shared => s_shared.Value;

    /// <summary>The number of commit loops.</summary>
    public int LoopCount => _loops.Length;

    /// <summary>The loop a newly opened log commits on: round-robin, so logs spread evenly.</summary>
    internal CommitLoop Assign() => _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
}
