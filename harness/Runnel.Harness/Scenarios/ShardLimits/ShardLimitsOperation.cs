namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>The limit a <see cref="ShardLimitsCase"/> pushes against.</summary>
public enum ShardLimitsOperation
{
    /// <summary>PutRecords offering a multiple of 1 MiB/s.</summary>
    PutBytes,

    /// <summary>PutRecords offering a multiple of 1,000 records/s.</summary>
    PutRecords,

    /// <summary>GetRecords offering a multiple of 5 calls/s.</summary>
    GetCalls,

    /// <summary>GetRecords offering a multiple of 2 MiB/s.</summary>
    GetBytes,
}
