using Runnel.Harness.Scenarios.ShardLimits;
using Runnel.Server;
using Runnel.Testing;

namespace Runnel.Harness.Tests;

/// <summary>
/// shard-limits in real time over the wire: a short run against an in-process server with limits on. The checks are
/// loose (the shard refused some records and took some, at no more than the limit allows with its first second of
/// credit): this is a test of the path, not of the machine's timing; the harness itself measures the rate.
/// </summary>
public class ShardLimitsRealTimeTests
{
    [Fact]
    public async Task RealTimeRun_AgainstAServer_ThrottlesAtTheShard()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await InProcessServer.StartAsync(directory.Path, limitsEnabled: true);
        await using var target = new WireShardLimitsTarget(server.PlainEndpoint!);
        ShardLimitsCase records = ShardLimitsRealTimeRun.Cases.Single(c => c.Operation == ShardLimitsOperation.PutRecords);
        const int Seconds = ShardLimitsRealTimeRun.MinimumSeconds;

        ShardLimitsResult result = await new ShardLimitsRealTimeRun(target, Seconds, TextWriter.Null).RunAsync(records);

        Assert.Equal("records/s", result.Unit);
        Assert.True(result.ThrottledRecords > 0, "offered 1.5x, the shard refused nothing");
        Assert.True(result.Accepted > 0);
        // At most 1,000 records/s plus the bucket's first second of credit, whatever the machine's speed.
        Assert.InRange(result.Accepted * Seconds, 1, (1000.0 * Seconds) + 1000);
        Assert.True(result.Attempted >= result.Accepted);
        Assert.Equal(Seconds, result.Series!.Accepted.Length);
    }
}
