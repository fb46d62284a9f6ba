namespace Runnel.Streams.Metrics;

/// <summary>
/// The enhanced (shard-level) metrics a stream reports: the seven values of Kinesis's <c>MetricsName</c> enum, as set by
/// EnableEnhancedMonitoring and DisableEnhancedMonitoring. The names are the CloudWatch metric names.
/// </summary>
[Flags]
#pragma warning disable CA1711 // The name is Kinesis's (ShardLevelMetrics), not a collection suffix.
public enum ShardLevelMetrics
#pragma warning restore CA1711
{
    None = 0,
    IncomingBytes = 1,
    IncomingRecords = 2,
    OutgoingBytes = 4,
    OutgoingRecords = 8,
    WriteProvisionedThroughputExceeded = 16,
    ReadProvisionedThroughputExceeded = 32,
    IteratorAgeMilliseconds = 64,
    All = 127,
}
