using System.Diagnostics;
using Runnel.Harness.Scenarios.Ceiling;
using Runnel.Model;

namespace Runnel.Harness.Tests;

/// <summary>The ceiling scenario's arithmetic on synthetic input with known answers.</summary>
public class CeilingAccountingTests
{
    [Fact]
    public void Rates_KnownCountsAndWindow_GiveRecordsAndMegabytesPerSecond()
    {
        Assert.Equal(25_000, CeilingAccounting.PerSecond(100_000, 4.0));
        Assert.Equal(0, CeilingAccounting.PerSecond(5, 0));
        // 100,000 records of 1,024 bytes in 4 s: 25.6 MB/s (10^6 bytes).
        Assert.Equal(25.6, CeilingAccounting.MegabytesPerSecond(100_000, 1024, 4.0), 9);
    }

    [Fact]
    public void Latency_OneToThousandMicroseconds_GivesExactPercentilesAndCdf()
    {
        var latency = new CeilingLatency();
        for (int us = 1; us <= 1000; us++)
        {
            latency.Record(us);
        }
        CeilingPercentiles p = latency.Percentiles()!;
        Assert.Equal(1000, p.Calls);
        // Below 2048 the histogram (3 significant digits) keeps every microsecond exactly.
        Assert.Equal(500, p.P50);
        Assert.Equal(900, p.P90);
        Assert.Equal(990, p.P99);
        Assert.Equal(999, p.P999);
        Assert.Equal(1000, p.Max);
        Assert.Equal(500.5, p.Mean);
        IReadOnlyList<CeilingCdfPoint> cdf = latency.Cdf();
        Assert.Equal(new CeilingCdfPoint(1000, 1), cdf[^1]);
        Assert.All(cdf.Zip(cdf.Skip(1)), pair => Assert.True(pair.First.Microseconds <= pair.Second.Microseconds && pair.First.Fraction <= pair.Second.Fraction));
        Assert.Contains(cdf, c => c.Microseconds == 500 && c.Fraction == 0.5);
    }

    [Fact]
    public void Latency_MergedFromProducers_EqualsOneHistogram()
    {
        var a = new CeilingLatency();
        var b = new CeilingLatency();
        a.Record(100);
        a.Record(300);
        b.Record(200);
        b.Record(20_000);
        a.Merge(b);
        CeilingPercentiles p = a.Percentiles()!;
        Assert.Equal(4, p.Calls);
        Assert.Equal(200, p.P50);
        Assert.InRange(p.Max, 20_000, 20_016); // 3 significant digits above 2048
        Assert.Null(new CeilingLatency().Percentiles());
    }

    [Fact]
    public void Ceiling_MostMegabytesAmongCleanPoints_WinsAndTiesGoToLowerP99()
    {
        CeilingPointResult[] points =
        [
            Result(mbps: 50, p99: 10),
            Result(mbps: 80, p99: 30),
            Result(mbps: 80, p99: 20),
            Result(mbps: 95, p99: 5, failed: 3), // faster, but records were refused
        ];
        Assert.Equal(2, CeilingAccounting.Ceiling(points));
        Assert.Equal(0, CeilingAccounting.Ceiling([Result(mbps: 1, p99: 1, failed: 1), Result(mbps: 0.5, p99: 1, failed: 1)]));
        Assert.Equal(-1, CeilingAccounting.Ceiling([]));
    }

    [Fact]
    public void Classify_KnownCounters_NamesTheBound()
    {
        Assert.Equal(CeilingLimit.ServerCpu, CeilingAccounting.Classify(Resources(server: 170, machine: 90, disk: 95), CeilingMode.Http).Limit);
        Assert.Equal(CeilingLimit.MachineCpu, CeilingAccounting.Classify(Resources(server: 100, machine: 97, disk: 95), CeilingMode.Http).Limit);
        Assert.Equal(CeilingLimit.Disk, CeilingAccounting.Classify(Resources(server: 60, machine: 40, disk: 85), CeilingMode.Embedded).Limit);
        Assert.Equal(CeilingLimit.Concurrency, CeilingAccounting.Classify(Resources(server: 60, machine: 40, disk: 20), CeilingMode.Embedded).Limit);
        Assert.Equal(CeilingLimit.Unknown, CeilingAccounting.Classify(new CeilingResources(null, null, null, 2, null, null, null, null, null), CeilingMode.Http).Limit);
        // 2 cores 80 % busy = 160 % of one core; the server 100 % and the harness 40 %: others 20 %.
        Assert.Equal(20, CeilingAccounting.Others(Resources(server: 100, machine: 80, disk: 0, harness: 40), CeilingMode.Http));
    }

    [Fact]
    public void Resources_BetweenTwoSamples_ComputesCpuAndDiskRates()
    {
        long t0 = 1_000_000;
        long t1 = t0 + (2 * Stopwatch.Frequency); // 2 s later
        var start = new ProcSample(t0, 1000, 500, 10_000, 20_000, new DiskCounters("vda", 100, 0, 5000, 40), 10);
        var end = new ProcSample(t1, 1300, 560, 10_380, 20_400, new DiskCounters("vda", 300, 2_000_000, 6600, 2040), 4010);
        CeilingResources r = CeilingResources.Between(start, end, cores: 2);
        Assert.Equal(150, r.ServerCpuPercent);          // 300 ticks (3 s of CPU) in 2 s
        Assert.Equal(30, r.HarnessCpuPercent);          // 60 ticks in 2 s
        Assert.Equal(95, r.MachineCpuPercent);          // 380 of 400 ticks busy
        Assert.Equal(1000, r.DiskFlushesPerSecond);     // 2000 flushes in 2 s
        Assert.Equal(80, r.DiskBusyPercent);            // 1600 ms busy in 2000 ms
        Assert.Equal(512, r.DiskWriteMegabytesPerSecond); // 2,000,000 sectors of 512 B in 2 s
        Assert.Equal(2000, r.EngineCommitsPerSecond);
    }

    [Fact]
    public void ProcParsers_RealLineShapes_ReadTheRightFields()
    {
        // The command name may hold spaces and parentheses; utime is field 14, stime field 15.
        const string Stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 51234 0 3 0 1234 567 0 0 20 0 31 0 100 1 2 3";
        Assert.Equal(1234 + 567, ProcSample.ParseProcessTicks(Stat));
        Assert.Equal(10 + 1 + 20 + 5 + 6 + 7, ProcSample.ParseMachineTicks("cpu  10 1 20 300 40 5 6 7 0 0", out long total));
        Assert.Equal(389, total);
        const string Diskstats = """
               7       0 loop0 450 20 7584 40 3230 111 298898 2918 0 2700 4821 0 0 0 0 934 1862
             254       0 vda 247691 46162 114121778 412826 6954639 511078 321962296 861130 0 544420 1587073 433678 444 284790704 64028 2239024 249088
            """;
        Assert.Equal(new DiskCounters("vda", 6954639, 321962296, 544420, 2239024), DiskCounters.Parse(Diskstats, "vda"));
        Assert.Null(DiskCounters.Parse(Diskstats, "sdz"));
    }

    [Fact]
    public void Ledger_DenseCountersPerShard_AreConsistentAndAGapIsNot()
    {
        var a = new CeilingLedger(2);
        var b = new CeilingLedger(2);
        a.Ack(0, 1);
        a.Ack(0, 3);
        b.Ack(0, 2);
        b.Ack(1, 1);
        a.Merge(b);
        Assert.Equal(4, a.Acked);
        Assert.Null(a.Inconsistency());
        a.Ack(1, 3); // counter 2 of shard 1 was taken by a record nobody acknowledged
        Assert.Contains("shard index 1", a.Inconsistency(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => a.Ack(2, 1));
    }

    [Fact]
    public void Plan_DefaultFlags_SweepsEachAxisAroundTheBaseOnce()
    {
        var options = new CeilingOptions([CeilingMode.Embedded, CeilingMode.Http], CeilingOptions.DefaultShards, CeilingOptions.DefaultRecordBytes, CeilingOptions.DefaultProducers, 1, 4);
        CeilingPlan plan = CeilingPlan.Build(options);

        Assert.Equal(20, plan.Points.Count); // per mode: 4 + 3 + 3, the base point once
        Assert.Equal(plan.Points.Count, plan.Points.Distinct().Count());
        Assert.Equal(6, plan.Sweeps.Count);
        CeilingPoint basePoint = new(CeilingMode.Embedded, 16, 1024, 16, 500);
        foreach (CeilingSweep sweep in plan.Sweeps.Where(s => s.Mode == CeilingMode.Embedded))
        {
            Assert.Equal(4, sweep.Points.Count);
            Assert.Contains(basePoint, sweep.Points.Select(i => plan.Points[i]));
        }
        CeilingSweep sizes = plan.Sweeps.Single(s => s.Mode == CeilingMode.Http && s.Axis == CeilingAxis.RecordBytes);
        Assert.Equal([100, 1024, 16384, 1048576], sizes.Points.Select(i => plan.Points[i].RecordBytes));
        Assert.All(sizes.Points.Select(i => plan.Points[i]), p => Assert.Equal((16, 16, CeilingMode.Http), (p.Shards, p.Producers, p.Mode)));
        Assert.Equal(CeilingMode.Embedded, plan.Points[0].Mode);
    }

    [Fact]
    public void Plan_FlagsWithoutTheDefaultBase_UseTheMiddleValueAndParseLists()
    {
        IReadOnlyList<int> shards = CeilingCommand.ParseList("2, 8,32", CeilingOptions.DefaultShards, "--shards");
        Assert.Equal([2, 8, 32], shards);
        Assert.Same(CeilingOptions.DefaultProducers, CeilingCommand.ParseList(null, CeilingOptions.DefaultProducers, "--producers"));
        Assert.Throws<ArgumentException>(() => CeilingCommand.ParseList("1,x", CeilingOptions.DefaultShards, "--shards"));
        Assert.Equal(8, CeilingPlan.BaseOf(shards, CeilingOptions.BaseShards));
        Assert.Equal(16, CeilingPlan.BaseOf([1, 4, 64, 16], CeilingOptions.BaseShards)); // listed: the default base wins

        CeilingPlan plan = CeilingPlan.Build(new CeilingOptions([CeilingMode.Embedded], shards, [1024], [4], 1, 4));
        Assert.Equal(3, plan.Points.Count);
        Assert.All(plan.Points, p => Assert.Equal((1024, 4), (p.RecordBytes, p.Producers)));
        Assert.Single(plan.Sweeps.Single(s => s.Axis == CeilingAxis.Producers).Points);
        Assert.Throws<ArgumentException>(() => new CeilingOptions([CeilingMode.Embedded], [0], [1024], [4], 1, 4).Validate());
        Assert.Throws<ArgumentException>(() => new CeilingOptions([CeilingMode.Embedded], [1], [2 * 1024 * 1024], [4], 1, 4).Validate());
        Assert.Equal((0.5, 1.5), CeilingOptions.Durations(quick: true, seconds: null));
        Assert.Equal((1.0, 4.0), CeilingOptions.Durations(quick: false, seconds: null));
    }

    [Fact]
    public void BatchRecords_KinesisLimits_500RecordsAnd10MiB()
    {
        Assert.Equal(500, CeilingPlan.BatchRecords(100));
        Assert.Equal(500, CeilingPlan.BatchRecords(16 * 1024)); // 8 MiB
        Assert.Equal(10, CeilingPlan.BatchRecords(1024 * 1024));
        Assert.Equal(1, CeilingPlan.BatchRecords(20 * 1024 * 1024));
    }

    [Fact]
    public void Workload_Keys_RouteRecordIToShardIModShardsAndSizesAddUp()
    {
        var workload = new CeilingWorkload(shards: 7, recordBytes: 1024 * 1024, batchRecords: 10);
        Assert.Equal(1024 * 1024, workload.RecordBytes);
        Assert.Equal(1024 * 1024 - CeilingWorkload.KeyLength, workload.Data.Length);
        Assert.Equal(7, workload.DistinctBatches(64)); // gcd(10, 7) = 1
        HashKeyRange[] ranges = HashKeyRange.SplitEvenly(7);
        for (int batch = 0; batch < 7; batch++)
        {
            for (int r = 0; r < 10; r++)
            {
                string key = workload.Key(batch, r);
                Assert.Equal(CeilingWorkload.KeyLength, key.Length);
                Assert.Equal(((batch * 10) + r) % 7, CeilingWorkload.ShardOf(ranges, key));
            }
        }
        Assert.Equal(4, new CeilingWorkload(16, 1024, 500).DistinctBatches(64)); // gcd(500, 16) = 4: 16 / 4 = 4 batches
    }

    private static CeilingPointResult Result(double mbps, double p99, long failed = 0)
        => new(new CeilingPoint(CeilingMode.Embedded, 1, 1024, 1, 500), 1012, 1, 1, mbps * 1e6 / 1024, mbps,
            new CeilingPercentiles(1, p99 / 2, p99, p99, p99, p99, p99 / 2), [], [], 1, failed, 0, null, null, null,
            Resources(0, 0, 0), CeilingLimit.Concurrency, "", 0);

    private static CeilingResources Resources(double server, double machine, double disk, double harness = 0)
        => new(server, harness, machine, 2, "vda", 100, disk, 10, null);
}
