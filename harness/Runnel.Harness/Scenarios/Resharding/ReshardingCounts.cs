namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>What a <c>resharding-under-load</c> run did and saw.</summary>
public sealed class ReshardingCounts
{
    /// <summary>PutRecords calls answered.</summary>
    public long PutCalls { get; set; }

    /// <summary>PutRecords calls refused as a whole (their records retried).</summary>
    public long PutCallsRefused { get; set; }

    /// <summary>Records acknowledged with a sequence number.</summary>
    public long RecordsAcknowledged { get; set; }

    /// <summary>Records throttled (ProvisionedThroughputExceededException) and retried.</summary>
    public long RecordsThrottled { get; set; }

    /// <summary>Records still waiting for a retry when the producers stopped (never acknowledged, not expected).</summary>
    public long RecordsRetriedNeverAcknowledged { get; set; }

    /// <summary>SplitShard calls that succeeded.</summary>
    public int Splits { get; set; }

    /// <summary>MergeShards calls that succeeded.</summary>
    public int Merges { get; set; }

    /// <summary>UpdateShardCount calls that succeeded.</summary>
    public int ShardCountUpdates { get; set; }

    /// <summary>Resharding calls refused by a Kinesis limit (LimitExceededException, ResourceInUseException).</summary>
    public int ReshardsRefused { get; set; }

    /// <summary>GetRecords calls answered.</summary>
    public long GetRecordsCalls { get; set; }

    /// <summary>GetRecords calls throttled and retried.</summary>
    public long GetRecordsThrottled { get; set; }

    /// <summary>Records the consumers read.</summary>
    public long RecordsRead { get; set; }

    /// <summary>Acknowledged records never read.</summary>
    public long Lost { get; set; }

    /// <summary>Records read more than once.</summary>
    public long Duplicates { get; set; }

    /// <summary>Records read before an earlier record of the same key.</summary>
    public long OrderViolations { get; set; }
}
