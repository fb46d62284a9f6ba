namespace Runnel.Security.Audit;

/// <summary>How the audit trail writes, rotates and keeps its files.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>Default size at which a file is closed and the next one started.</summary>
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Default number of files kept (the active one included).</summary>
    public const int DefaultKeepFiles = 30;

    /// <summary>A file is closed when the next line would take it past this size (a single larger line still fits).</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>How many files are kept, the active one included; older ones are deleted at rotation.</summary>
    public int KeepFiles { get; init; } = DefaultKeepFiles;

    /// <summary>Records waiting to be written at most; a call whose record finds the queue full waits for room.</summary>
    public int QueueCapacity { get; init; } = 8192;

    /// <summary>The most bytes written (and then synced) as one group commit.</summary>
    public int MaxBatchBytes { get; init; } = 1024 * 1024;

    /// <summary>Called once, from the writer's loop, when a write or sync fails (the trail stops writing).</summary>
    public Action<Exception>? OnFailure { get; init; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1024, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepFiles, 1, nameof(KeepFiles));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
    }
}
