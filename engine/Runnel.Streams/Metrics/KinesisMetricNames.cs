namespace Runnel.Streams.Metrics;

/// <summary>
/// The names of the instruments of the <see cref="KinesisMetrics.MeterName"/> meter: CloudWatch's <c>AWS/Kinesis</c>
/// metric names, and its dimension names as tag keys. Stream-level measurements carry <see cref="StreamName"/>;
/// enhanced shard-level ones also <see cref="ShardId"/>; enhanced fan-out ones <see cref="ConsumerName"/>.
/// </summary>
public static class KinesisMetricNames
{
    public const string StreamName = "StreamName";
    public const string ShardId = "ShardId";
    public const string ConsumerName = "ConsumerName";

    // Stream level, and (the same names) shard level.
    public const string IncomingBytes = "IncomingBytes";
    public const string IncomingRecords = "IncomingRecords";
    public const string WriteProvisionedThroughputExceeded = "WriteProvisionedThroughputExceeded";
    public const string ReadProvisionedThroughputExceeded = "ReadProvisionedThroughputExceeded";

    // Shard level only.
    public const string OutgoingBytes = "OutgoingBytes";
    public const string OutgoingRecords = "OutgoingRecords";
    public const string IteratorAgeMilliseconds = "IteratorAgeMilliseconds";

    // Stream level only.
    public const string PutRecordBytes = "PutRecord.Bytes";
    public const string PutRecordLatency = "PutRecord.Latency";
    public const string PutRecordSuccess = "PutRecord.Success";
    public const string PutRecordsBytes = "PutRecords.Bytes";
    public const string PutRecordsLatency = "PutRecords.Latency";
    public const string PutRecordsRecords = "PutRecords.Records";
    public const string PutRecordsSuccess = "PutRecords.Success";
    public const string PutRecordsSuccessfulRecords = "PutRecords.SuccessfulRecords";
    public const string PutRecordsFailedRecords = "PutRecords.FailedRecords";
    public const string PutRecordsThrottledRecords = "PutRecords.ThrottledRecords";
    public const string PutRecordsTotalRecords = "PutRecords.TotalRecords";
    public const string GetRecordsBytes = "GetRecords.Bytes";
    public const string GetRecordsRecords = "GetRecords.Records";
    public const string GetRecordsLatency = "GetRecords.Latency";
    public const string GetRecordsSuccess = "GetRecords.Success";
    public const string GetRecordsIteratorAgeMilliseconds = "GetRecords.IteratorAgeMilliseconds";

    // Enhanced fan-out (StreamName and ConsumerName).
    public const string SubscribeToShardRateExceeded = "SubscribeToShard.RateExceeded";
    public const string SubscribeToShardSuccess = "SubscribeToShard.Success";
    public const string SubscribeToShardEventBytes = "SubscribeToShardEvent.Bytes";
    public const string SubscribeToShardEventRecords = "SubscribeToShardEvent.Records";
    public const string SubscribeToShardEventMillisBehindLatest = "SubscribeToShardEvent.MillisBehindLatest";
    public const string SubscribeToShardEventSuccess = "SubscribeToShardEvent.Success";

    /// <summary>The enhanced-monitoring switch that governs the shard-level series of <paramref name="instrument"/>
    /// (<see cref="ShardLevelMetrics.None"/> for an instrument without shard-level series).</summary>
    public static ShardLevelMetrics ShardLevelFlag(string instrument) => instrument switch
    {
        IncomingBytes => ShardLevelMetrics.IncomingBytes,
        IncomingRecords => ShardLevelMetrics.IncomingRecords,
        OutgoingBytes => ShardLevelMetrics.OutgoingBytes,
        OutgoingRecords => ShardLevelMetrics.OutgoingRecords,
        WriteProvisionedThroughputExceeded => ShardLevelMetrics.WriteProvisionedThroughputExceeded,
        ReadProvisionedThroughputExceeded => ShardLevelMetrics.ReadProvisionedThroughputExceeded,
        IteratorAgeMilliseconds => ShardLevelMetrics.IteratorAgeMilliseconds,
        _ => ShardLevelMetrics.None,
    };
}
