namespace Runnel.Streams;

/// <summary>
/// A shard's log fail-stopped after a device error (a failed write or fdatasync: EIO, ENOSPC...): it acknowledges no
/// more writes until the engine is reopened; reads of its committed records continue. Reported once per log through
/// <see cref="StreamsOptions.StorageFailed"/>, so that the server can log which file failed.
/// </summary>
/// <param name="StreamName">The stream.</param>
/// <param name="ShardId">The shard, <c>shardId-000000000000</c>.</param>
/// <param name="Directory">The shard's directory, relative to the storage root (<c>streams/name-tag/shard-000000000000</c>).</param>
/// <param name="FileName">The file the failed operation was on, relative to <paramref name="Directory"/>, when known.</param>
/// <param name="Errno">The operating system's error number (EIO = 5, ENOSPC = 28), or 0 when unknown.</param>
/// <param name="Exception">The log's failure, with the device error as its inner exception.</param>
public sealed record StorageFailure(string StreamName, string ShardId, string Directory, string? FileName, int Errno, Exception Exception);
