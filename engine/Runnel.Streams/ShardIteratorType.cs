namespace Runnel.Streams;

/// <summary>Where a shard iterator starts (wire names: AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON,
/// LATEST, AT_TIMESTAMP).</summary>
public enum ShardIteratorType
{
    AtSequenceNumber,
    AfterSequenceNumber,
    TrimHorizon,
    Latest,
    AtTimestamp,
}
