namespace Runnel.Streams.Catalog;

/// <summary>The durable catalog: every stream's metadata and shard tree (the file <c>catalog.json</c>).</summary>
internal sealed class CatalogDocument
{
    public int Version { get; set; } = 1;

    /// <summary>The HMAC key of shard iterators and list tokens (base64), kept so that they survive restarts.</summary>
    public string TokenKey { get; set; } = "";

    public List<StreamDocument> Streams { get; set; } = [];

    /// <summary>The account's MinimumThroughputBillingCommitment (On-demand Advantage).</summary>
    public CommitmentDocument Commitment { get; set; } = new();
}

/// <summary>The account-level minimum throughput billing commitment.</summary>
internal sealed class CommitmentDocument
{
    /// <summary>ENABLED, DISABLED or ENABLED_UNTIL_EARLIEST_ALLOWED_END.</summary>
    public string Status { get; set; } = "DISABLED";

    public long? StartedAtMs { get; set; }

    public long? EndedAtMs { get; set; }

    public long? EarliestAllowedEndAtMs { get; set; }
}

/// <summary>One stream in the catalog. Mutated only under the engine's metadata lock.</summary>
internal sealed class StreamDocument
{
    public string Name { get; set; } = "";

    /// <summary>The 22-bit incarnation tag embedded in sequence numbers and iterators.</summary>
    public uint Tag { get; set; }

    public long CreatedMs { get; set; }

    /// <summary>CREATING until this time.</summary>
    public long ActiveAtMs { get; set; }

    /// <summary>UPDATING until this time.</summary>
    public long UpdatingUntilMs { get; set; }

    /// <summary>Set when deleted: DELETING until this time, then gone.</summary>
    public long? DeletingUntilMs { get; set; }

    public string Mode { get; set; } = "PROVISIONED";

    public int RetentionHours { get; set; } = 24;

    /// <summary>Records that arrived before this stay expired: the cutoff in force when the retention was last
    /// increased ("expired data does not come back"). 0 when the retention never grew.</summary>
    public long RetentionFloorMs { get; set; }

    public SortedDictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public string EncryptionType { get; set; } = "NONE";

    public string? KeyId { get; set; }

    public List<string> ShardLevelMetrics { get; set; } = [];

    public int MaxRecordSizeInKiB { get; set; } = 1024;

    public int NextShardIndex { get; set; }

    public List<ShardDocument> Shards { get; set; } = [];

    /// <summary>Times of UpdateShardCount calls (at most 10 per rolling 24 h).</summary>
    public List<long> ShardCountUpdatesMs { get; set; } = [];

    /// <summary>Times of capacity-mode switches (at most 2 per rolling 24 h).</summary>
    public List<long> ModeSwitchesMs { get; set; } = [];

    public List<ConsumerDocument> Consumers { get; set; } = [];

    public string? ResourcePolicy { get; set; }

    /// <summary>The requested warm throughput of an on-demand stream (MiB/s), when set.</summary>
    public int? WarmThroughputMiBps { get; set; }
}

/// <summary>One shard in the catalog.</summary>
internal sealed class ShardDocument
{
    public int Index { get; set; }

    public string StartingHashKey { get; set; } = "0";

    public string EndingHashKey { get; set; } = "0";

    public int? Parent { get; set; }

    public int? AdjacentParent { get; set; }

    /// <summary>Creation time in epoch seconds (part of every sequence number of the shard).</summary>
    public long CreatedSeconds { get; set; }

    public long CreatedMs { get; set; }

    /// <summary>Set when closed: the counter of the shard's last record (0 when it had none).</summary>
    public ulong? EndingCounter { get; set; }

    public long? ClosedMs { get; set; }
}

/// <summary>One enhanced fan-out consumer in the catalog.</summary>
internal sealed class ConsumerDocument
{
    public string Name { get; set; } = "";

    /// <summary>Creation time in epoch seconds: the suffix of the consumer ARN.</summary>
    public long CreatedSeconds { get; set; }

    public long ActiveAtMs { get; set; }

    public long? DeletingUntilMs { get; set; }

    public SortedDictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public string? ResourcePolicy { get; set; }
}
