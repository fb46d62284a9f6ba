namespace Runnel.Streams;

/// <summary>The DescribeStream result.</summary>
public sealed record StreamDescription(
    string StreamName,
    string StreamArn,
    StreamStatus StreamStatus,
    StreamMode StreamMode,
    IReadOnlyList<ShardDescription> Shards,
    bool HasMoreShards,
    int RetentionPeriodHours,
    DateTimeOffset StreamCreationTimestamp,
    IReadOnlyList<string> ShardLevelMetrics,
    string EncryptionType,
    string? KeyId);
