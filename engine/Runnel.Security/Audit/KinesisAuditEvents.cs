namespace Runnel.Security.Audit;

/// <summary>
/// How CloudTrail classifies the Kinesis operations: the data-plane calls (PutRecord, PutRecords, GetRecords,
/// GetShardIterator, SubscribeToShard) are data events, everything else management events; Describe*, List*, Get*
/// and SubscribeToShard are read-only. Stateless.
/// </summary>
public static class KinesisAuditEvents
{
    private static readonly HashSet<string> s_data = new(StringComparer.Ordinal)
    {
        "PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard",
    };

    /// <summary>Whether CloudTrail logs the operation as a data event (eventCategory "Data").</summary>
    public static bool IsDataEvent(string? eventName) => eventName is not null && s_data.Contains(eventName);

    /// <summary>Whether the operation only reads.</summary>
    public static bool IsReadOnly(string? eventName) => eventName is not null
        && (eventName.StartsWith("Describe", StringComparison.Ordinal) || eventName.StartsWith("List", StringComparison.Ordinal)
            || eventName.StartsWith("Get", StringComparison.Ordinal) || eventName == "SubscribeToShard");
}
