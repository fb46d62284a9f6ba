using Runnel.Harness.Scenarios.Cost;

namespace Runnel.Harness.Tests;

/// <summary>The cost arithmetic against bills worked out by hand from kinesis-api.md 5.3's rules and the default prices.</summary>
public class CostModelTests
{
    private static readonly Pricing s_prices = Pricing.Load(Pricing.DefaultPath);

    [Fact]
    public void Provisioned_OneMiBPerSecondOf1KiBRecordsForAMonth_MatchesTheHandComputedBill()
    {
        var workload = new Workload("steady", [new TrafficPhase(730, 1024, 1024)], PollingConsumers: 1, EfoConsumers: 0, RetentionHours: 24);

        CostEstimate bill = CostModel.Provisioned(workload, s_prices.Provisioned);

        // 1,024 records/s needs 2 shards (1,000 records/s each): 1,460 shard-hours at $0.015 = $21.90.
        // 1,024 x 3,600 x 730 = 2,691,072,000 records of one 25 KB unit each: 2,691.072 million at $0.014 = $37.675.
        Assert.Equal(21.90, bill.Lines.Single(l => l.Item == "shard-hours").Cost, 6);
        Assert.Equal(37.675008, bill.Lines.Single(l => l.Item == "PUT payload units").Cost, 6);
        Assert.Equal(59.575008, bill.Total, 6);
        Assert.Equal(bill.Total, bill.PerMonth, 9);
    }

    [Fact]
    public void OnDemand_OneMiBPerSecondOf1KiBRecordsForAMonth_MatchesTheHandComputedBill()
    {
        var workload = new Workload("steady", [new TrafficPhase(730, 1024, 1024)], PollingConsumers: 1, EfoConsumers: 0, RetentionHours: 24);

        CostEstimate bill = CostModel.OnDemand(workload, s_prices.OnDemand);

        // 730 stream-hours at $0.04 = $29.20. Each 1,024-byte record is billed as 1 KiB:
        // 2,691,072,000 x 1,024 B = 2,566.40625 GiB at $0.08 in, and the same at $0.04 out.
        Assert.Equal(29.20, bill.Lines.Single(l => l.Item == "stream-hours").Cost, 6);
        Assert.Equal(2566.40625 * 0.08, bill.Lines.Single(l => l.Item.StartsWith("data in", StringComparison.Ordinal)).Cost, 6);
        Assert.Equal(2566.40625 * 0.04, bill.Lines.Single(l => l.Item.StartsWith("data out", StringComparison.Ordinal)).Cost, 6);
    }

    [Theory]
    [InlineData(5_000, 1)]
    [InlineData(25_000, 1)]
    [InlineData(25_001, 2)]
    [InlineData(45_000, 2)]
    [InlineData(1_000_000, 40)]
    public void Provisioned_PutPayloadUnits_Are25KBChunksRoundedUp(int recordBytes, int units)
    {
        var workload = new Workload("one", [new TrafficPhase(1, 1.0 / 3600, recordBytes)], 0, 0, 24);
        CostLine line = CostModel.Provisioned(workload, s_prices.Provisioned).Lines.Single(l => l.Item == "PUT payload units");
        Assert.Equal(units / 1e6, line.Quantity, 12);
    }

    [Theory]
    [InlineData(0.5, 100, 0, 1)]      // small: one shard
    [InlineData(3.5, 100, 0, 4)]      // bytes bind: 1 MiB/s per shard
    [InlineData(1, 4500, 0, 5)]       // records bind: 1,000 records/s per shard
    [InlineData(3, 100, 3, 5)]        // reads bind: 3 readers x 3 MiB/s over 2 MiB/s per shard
    public void ShardsFor_TakesTheBindingLimit(double mibps, double recordsPerSecond, int pollers, int shards)
    {
        int bytes = (int)Math.Round(mibps * CostModel.MiB / recordsPerSecond);
        Assert.Equal(shards, CostModel.ShardsFor(new TrafficPhase(1, recordsPerSecond, bytes), pollers));
    }

    [Fact]
    public void OnDemand_DataIn_RoundsEachRecordUpToAKiB()
    {
        var small = new Workload("small", [new TrafficPhase(1, 1_000_000 / 3600.0, 100)], 0, 0, 24);
        CostLine line = CostModel.OnDemand(small, s_prices.OnDemand).Lines.Single(l => l.Item.StartsWith("data in", StringComparison.Ordinal));
        Assert.Equal(1_000_000 * 1024.0 / (1 << 30), line.Quantity, 9); // a million 100-byte records bill as a million KiB
    }

    [Fact]
    public void Bills_RetentionAndFanOut_AddTheirLines()
    {
        var workload = new Workload("kept", [new TrafficPhase(730, 1024, 1024)], 0, EfoConsumers: 2, RetentionHours: 24 * 30);
        CostEstimate provisioned = CostModel.Provisioned(workload, s_prices.Provisioned);
        CostEstimate onDemand = CostModel.OnDemand(workload, s_prices.OnDemand);

        Assert.Equal(1460 * 0.020, provisioned.Lines.Single(l => l.Item == "extended retention").Cost, 6);
        Assert.Equal(2 * 1460 * 0.015, provisioned.Lines.Single(l => l.Item == "fan-out consumer-shard-hours").Cost, 6);
        // Long-term: 2,566.40625 GiB written, each kept 720 - 168 = 552 hours beyond 7 days: x 552 / 730 GB-months.
        Assert.Equal(2566.40625 * 552 / 730 * 0.023, provisioned.Lines.Single(l => l.Item == "long-term retention").Cost, 6);
        Assert.Equal(2566.40625 * (168 - 24) / 730 * 0.10, onDemand.Lines.Single(l => l.Item == "extended retention").Cost, 6);
        Assert.Equal(2 * 2566.40625 * 0.05, onDemand.Lines.Single(l => l.Item == "fan-out data retrieved").Cost, 6);
    }

    [Fact]
    public void Pricing_UnknownMember_IsRejectedNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pricing-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, File.ReadAllText(Pricing.DefaultPath).Replace("\"shardHour\"", "\"shardHours\"", StringComparison.Ordinal));
        try
        {
            FormatException error = Assert.Throws<FormatException>(() => Pricing.Load(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
