namespace Runnel.Streams;

/// <summary>The wire spellings of the engine's enums, both ways.</summary>
public static class WireNames
{
    public static string Of(StreamStatus status) => status switch
    {
        StreamStatus.Creating => "CREATING",
        StreamStatus.Active => "ACTIVE",
        StreamStatus.Updating => "UPDATING",
        _ => "DELETING",
    };

    public static string Of(StreamMode mode) => mode == StreamMode.OnDemand ? "ON_DEMAND" : "PROVISIONED";

    public static string Of(ShardIteratorType type) => type switch
    {
        ShardIteratorType.AtSequenceNumber => "AT_SEQUENCE_NUMBER",
        ShardIteratorType.AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
        ShardIteratorType.TrimHorizon => "TRIM_HORIZON",
        ShardIteratorType.Latest => "LATEST",
        _ => "AT_TIMESTAMP",
    };

    public static bool TryParseMode(string? text, out StreamMode mode)
    {
        (bool ok, mode) = text switch
        {
            "PROVISIONED" => (true, StreamMode.Provisioned),
            "ON_DEMAND" => (true, StreamMode.OnDemand),
            _ => (false, StreamMode.Provisioned),
        };
        return ok;
    }

    public static bool TryParseIteratorType(string? text, out ShardIteratorType type)
    {
        (bool ok, type) = text switch
        {
            "AT_SEQUENCE_NUMBER" => (true, ShardIteratorType.AtSequenceNumber),
            "AFTER_SEQUENCE_NUMBER" => (true, ShardIteratorType.AfterSequenceNumber),
            "TRIM_HORIZON" => (true, ShardIteratorType.TrimHorizon),
            "LATEST" => (true, ShardIteratorType.Latest),
            "AT_TIMESTAMP" => (true, ShardIteratorType.AtTimestamp),
            _ => (false, ShardIteratorType.Latest),
        };
        return ok;
    }

    public static bool TryParseShardFilter(string? text, out ShardFilterType type)
    {
        (bool ok, type) = text switch
        {
            "AFTER_SHARD_ID" => (true, ShardFilterType.AfterShardId),
            "AT_TRIM_HORIZON" => (true, ShardFilterType.AtTrimHorizon),
            "FROM_TRIM_HORIZON" => (true, ShardFilterType.FromTrimHorizon),
            "AT_LATEST" => (true, ShardFilterType.AtLatest),
            "AT_TIMESTAMP" => (true, ShardFilterType.AtTimestamp),
            "FROM_TIMESTAMP" => (true, ShardFilterType.FromTimestamp),
            _ => (false, ShardFilterType.FromTrimHorizon),
        };
        return ok;
    }
}
