namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>Counts the engine's storage calls through <see cref="CountingStorageDevice"/>. Thread-safe (interlocked).</summary>
public sealed class CommitCounter
{
    private long _commits;
    private long _syncs;

    /// <summary>Group commits: one write of a batch of frames with its fdatasync (<c>WriteAndSync</c>).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Other fdatasync calls (checkpoints, new segments).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Notes a commit.</summary>
    public void Commit() => Interlocked.Increment(ref _commits);

    /// <summary>Notes a sync.</summary>
    public void Sync() => Interlocked.Increment(ref _syncs);
}
