using System.Diagnostics;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// One group commit over several logs (see <see cref="LogCommitter"/>): take each log's batch, write them all, one
/// barrier for their segments, write every checkpoint, one barrier for those, acknowledge. Run by a commit loop, or
/// by a log's own writer with itself alone. Its scratch is reused, so steady rounds allocate nothing.
/// </summary>
/// <remarks>Not thread-safe: one per loop (or per log writer). Every log's commit lock is held from its write to its
/// acknowledgement, taken in round order by the one thread that runs the round; the other holders of a commit lock
/// (retention, <see cref="ShardLog.Dispose"/>) take only their own, so no cycle can form.</remarks>
internal sealed class CommitRound
{
    private readonly List<ShardLog> _committing = [];
    private readonly StorageSyncBatch _barrier = new();

    /// <summary>The longest a round waits for producers to re-append (<see cref="Linger"/>): 500 us.</summary>
    internal static long MaxLingerTicks => Stopwatch.Frequency / 2000;

    /// <summary>A wait ends when no record arrived for this long: 30 us.</summary>
    internal static long LingerGapTicks => Stopwatch.Frequency * 30 / 1_000_000;

    private long _lastCommitTicks; // how long the previous round's writes, syncs and acks took

    /// <summary>
    /// Commits what every log of <paramref name="active"/> has ready, then removes from it the logs whose rings are
    /// empty and whose writers went idle (a log with more records stays for the next round).
    /// </summary>
    public void Run(List<ShardLog> active)
    {
        List<ShardLog> committing = _committing;
        for (int i = 0; i < active.Count; i++)
        {
            if (active[i].TakeRoundBatch())
            {
                committing.Add(active[i]);
            }
        }
        if (committing.Count > 0)
        {
            try
            {
                Linger(committing);
                long started = Stopwatch.GetTimestamp();
                Commit(committing);
                _lastCommitTicks = Stopwatch.GetTimestamp() - started;
            }
            finally
            {
                committing.Clear();
            }
        }
        for (int i = active.Count - 1; i >= 0; i--)
        {
            if (active[i].TryStopWriter())
            {
                active[i] = active[^1];
                active.RemoveAt(active.Count - 1);
            }
        }
    }

    /// <summary>
    /// Before writing, waits briefly for the producers the previous round answered to append again
    /// (<see cref="ShardLog.LingerTarget"/>), so that one round carries all of them. The wait ends when every log has
    /// its target, when nothing arrived for <see cref="LingerGapTicks"/>, or after half the previous round's commit
    /// time (at most <see cref="MaxLingerTicks"/>): never longer than the syncs it saves. One producer awaiting one
    /// record at a time never waits.
    /// </summary>
    private void Linger(List<ShardLog> logs)
    {
        if (!Wants(logs))
        {
            return;
        }
        long now = Stopwatch.GetTimestamp();
        long deadline = now + Math.Min(_lastCommitTicks / 2, MaxLingerTicks);
        long quietUntil = now + LingerGapTicks;
        while (now < deadline && now < quietUntil)
        {
            Thread.Yield();
            now = Stopwatch.GetTimestamp();
            foreach (ShardLog log in logs)
            {
                if (log.RoundCount < log.LingerTarget && log.TakeMoreRoundBatch())
                {
                    quietUntil = now + LingerGapTicks;
                }
            }
            if (!Wants(logs))
            {
                return;
            }
        }

        static bool Wants(List<ShardLog> logs)
        {
            foreach (ShardLog log in logs)
            {
                if (log.RoundCount < log.LingerTarget)
                {
                    return true;
                }
            }
            return false;
        }
    }

    private void Commit(List<ShardLog> logs)
    {
        // Alone, a log writes and syncs each file in one linked submission, as its own writer always did.
        bool solo = logs.Count == 1;
        try
        {
            if (solo && logs[0].CoalescesRound)
            {
                // A streaming producer: write what arrives while writing, then one sync for all of it.
                ShardLog log = logs[0];
                log.WriteRoundData(sync: false);
                while (log.WriteMoreRoundData())
                {
                }
                log.SyncRoundData();
            }
            else
            {
                foreach (ShardLog log in logs)
                {
                    log.WriteRoundData(solo);
                }
                if (!solo)
                {
                    Barrier(logs, checkpoints: false);
                }
            }
            foreach (ShardLog log in logs)
            {
                log.WriteRoundCheckpoint(solo);
            }
            if (!solo)
            {
                Barrier(logs, checkpoints: true);
            }
            foreach (ShardLog log in logs)
            {
                log.PublishRound();
            }
        }
        finally
        {
            foreach (ShardLog log in logs)
            {
                log.CompleteRound();
            }
        }
    }

    /// <summary>One barrier over the segment (or checkpoint) file of every log still committing; failures fail their log.</summary>
    private void Barrier(List<ShardLog> logs, bool checkpoints)
    {
        StorageSyncBatch barrier = _barrier;
        barrier.Clear();
        foreach (ShardLog log in logs)
        {
            if (log.RoundFile(checkpoints) is { } file)
            {
                log.RoundBarrierIndex = barrier.Add(file);
            }
        }
        if (barrier.Count == 0)
        {
            return;
        }
        barrier.SyncAll();
        foreach (ShardLog log in logs)
        {
            if (log.RoundFile(checkpoints) is not null && barrier.ErrorAt(log.RoundBarrierIndex) is { } error)
            {
                log.FailRound(error);
            }
        }
        barrier.Clear();
    }
}
