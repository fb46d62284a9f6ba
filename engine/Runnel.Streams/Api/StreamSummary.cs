namespace Runnel.Streams;

/// <summary>The DescribeStreamSummary result.</summary>
public sealed record StreamSummary(
    string StreamName,
    string StreamArn,
    StreamStatus StreamStatus,
    StreamMode StreamMode,
    int RetentionPeriodHours,
    DateTimeOffset StreamCreationTimestamp,
    IReadOnlyList<string> ShardLevelMetrics,
    string EncryptionType,
    string? KeyId,
    int OpenShardCount,
    int ConsumerCount,
    int MaxRecordSizeInKiB);
