namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>One load of the <c>shard-limits</c> scenario against one provisioned shard.</summary>
/// <param name="Name">The case's name, e.g. <c>put-bytes-1KiB-1.5x</c>.</param>
/// <param name="Operation">What the case offers: <see cref="ShardLimitsOperation"/>.</param>
/// <param name="Factor">The offered load as a multiple of the limit the case targets.</param>
/// <param name="RecordBytes">Bytes per record, data plus the 1-byte partition key.</param>
public sealed record ShardLimitsCase(string Name, ShardLimitsOperation Operation, double Factor, int RecordBytes)
{
    /// <summary>The cases issue 7 asks for: puts at 0.5x, 1.5x and 3x of the byte limit (1 KiB and 64 KiB records) and of the
    /// record limit (100 B records); polling reads at 2x the call limit and 1.5x the byte limit.</summary>
    public static IReadOnlyList<ShardLimitsCase> All { get; } =
    [
        .. new[] { 0.5, 1.5, 3.0 }.Select(f => new ShardLimitsCase($"put-bytes-1KiB-{f:0.0}x", ShardLimitsOperation.PutBytes, f, 1024)),
        .. new[] { 0.5, 1.5, 3.0 }.Select(f => new ShardLimitsCase($"put-bytes-64KiB-{f:0.0}x", ShardLimitsOperation.PutBytes, f, 64 * 1024)),
        .. new[] { 0.5, 1.5, 3.0 }.Select(f => new ShardLimitsCase($"put-records-100B-{f:0.0}x", ShardLimitsOperation.PutRecords, f, 100)),
        new ShardLimitsCase("get-calls-100B-2.0x", ShardLimitsOperation.GetCalls, 2.0, 100),
        new ShardLimitsCase("get-bytes-64KiB-1.5x", ShardLimitsOperation.GetBytes, 1.5, 64 * 1024),
    ];
}
