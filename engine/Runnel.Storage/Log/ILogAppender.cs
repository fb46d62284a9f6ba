using Runnel.Model;

namespace Runnel.Storage.Log;

/// <summary>
/// The write side of a shard's log: the seam behind which the simple group-commit appender (today) and the
/// lock-free ring with shared writers (later) sit. Safe for many concurrent callers.
/// </summary>
public interface ILogAppender
{
    /// <summary>
    /// Appends one record and completes once it is durable (written and synced), never before. The spans are
    /// copied before this method returns. Fails with <see cref="LogFailedException"/> once the log has
    /// fail-stopped, and with <see cref="LogBackpressureException"/> when too much is waiting to be committed.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(ReadOnlySpan<byte> partitionKeyUtf8, HashKey? explicitHashKey, ReadOnlySpan<byte> data);
}
