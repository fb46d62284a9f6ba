namespace Runnel.Benchmarks;

/// <summary>
/// Benchmark categories, for <c>--anyCategories</c>/<c>--allCategories</c> on the command line. Every benchmark class
/// carries exactly one; perf-results/budgets/allocations.json is keyed by class and method, not by category.
/// </summary>
public static class Categories
{
    /// <summary>Frame encode/decode (Runnel.Storage.Framing).</summary>
    public const string Framing = "Framing";

    /// <summary>CRC-32C throughput (Runnel.Storage.Framing.Crc32C).</summary>
    public const string Checksum = "Checksum";

    /// <summary>Partition key to hash key (Runnel.Model.PartitionKeyHasher).</summary>
    public const string Hashing = "Hashing";

    /// <summary>Hash key to shard (Runnel.Model.ShardMap).</summary>
    public const string Routing = "Routing";

    /// <summary>Appends through a ShardLog, group commit included (Runnel.Storage.Log).</summary>
    public const string Log = "Log";

    /// <summary>Request decode and answer encode on the wire (Runnel.Protocol, Runnel.Server.Operations).</summary>
    public const string Wire = "Wire";
}
