using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.Cost;

/// <summary>Unit prices, read from a JSON file (<c>pricing-us-east-1.json</c> is the default; every rate is configurable).</summary>
public sealed record Pricing(string Region, string Currency, string Source, ProvisionedPrices Provisioned, OnDemandPrices OnDemand)
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The pricing file shipped next to the harness.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Scenarios", "Cost", "pricing-us-east-1.json");

    /// <summary>Reads a pricing file; a missing or unknown member is an error naming the file.</summary>
    public static Pricing Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Pricing>(File.ReadAllText(path), s_json) ?? throw new FormatException($"{path}: empty pricing file");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }
}

/// <summary>Provisioned-mode unit prices.</summary>
public sealed record ProvisionedPrices(double ShardHour, double PutPayloadUnitsPerMillion, double ExtendedRetentionShardHour,
    double LongTermRetentionGbMonth, double EfoConsumerShardHour, double EfoGbRetrieved);

/// <summary>On-demand (Standard) unit prices.</summary>
public sealed record OnDemandPrices(double StreamHour, double DataInGb, double DataOutGb, double EfoGbRetrieved,
    double ExtendedRetentionGbMonth, double LongTermRetentionGbMonth);

/// <summary>One stretch of steady traffic.</summary>
/// <param name="Hours">How long it lasts.</param>
/// <param name="RecordsPerSecond">Records written per second.</param>
/// <param name="RecordBytes">Bytes per record (data plus partition key).</param>
public sealed record TrafficPhase(double Hours, double RecordsPerSecond, int RecordBytes)
{
    /// <summary>MiB/s written.</summary>
    public double MiBps => RecordsPerSecond * RecordBytes / CostModel.MiB;
}

/// <summary>A workload to price: phases of traffic, its readers and its retention.</summary>
/// <param name="Name">A label.</param>
/// <param name="Phases">The traffic, in order.</param>
/// <param name="PollingConsumers">Applications reading everything with GetRecords (shared 2 MiB/s per shard).</param>
/// <param name="EfoConsumers">Enhanced fan-out consumers reading everything (2 MiB/s each per shard).</param>
/// <param name="RetentionHours">Retention period (24 to 8760).</param>
public sealed record Workload(string Name, IReadOnlyList<TrafficPhase> Phases, int PollingConsumers, int EfoConsumers, int RetentionHours);

/// <summary>A priced line.</summary>
/// <param name="Item">What is billed.</param>
/// <param name="Quantity">How much of it.</param>
/// <param name="Unit">The unit of <paramref name="Quantity"/>.</param>
/// <param name="UnitPrice">Price per unit.</param>
/// <param name="Cost">Quantity times price.</param>
public sealed record CostLine(string Item, double Quantity, string Unit, double UnitPrice, double Cost);

/// <summary>The bill of one capacity mode for a workload.</summary>
/// <param name="Mode">provisioned (shards sized for the peak) or on-demand.</param>
/// <param name="Lines">The priced lines.</param>
/// <param name="Total">Their sum over the workload's hours.</param>
/// <param name="PerMonth">The total scaled to a 730-hour month.</param>
/// <param name="Note">How capacity was sized.</param>
public sealed record CostEstimate(string Mode, IReadOnlyList<CostLine> Lines, double Total, double PerMonth, string Note);

/// <summary>
/// Kinesis's billing rules (kinesis-api.md 5.3) as arithmetic. Provisioned: shard-hours for enough shards for the
/// peak phase (1 MiB/s and 1,000 records/s in, 2 MiB/s shared by polling readers per shard), PUT payload units of
/// 25 KB (25,000 bytes) per record, rounded up, extended retention per shard-hour above 24 h, long-term retention per GB-month
/// above 7 days, enhanced fan-out per consumer-shard-hour and GB. On-demand: stream-hours, data in per GB with each
/// record rounded up to 1 KiB (an assumption: AWS gives no example), polling data out per GB, fan-out per GB, retention per GB-month. GB here is GiB
/// (2^30 bytes); a month is 730 hours.
/// </summary>
public static class CostModel
{
    /// <summary>Bytes in a MiB.</summary>
    public const double MiB = 1024 * 1024;

    /// <summary>Hours in a billing month.</summary>
    public const double HoursPerMonth = 730;

    private const double GiB = 1024 * MiB;
    private const int PayloadUnitBytes = 25_000; // AWS's examples: 5 KB = 1 unit, 45 KB = 2, 1 MB = 40: decimal KB
    private const int OnDemandRoundingBytes = 1024; // no AWS example pins it: binary, like the GB (GiB) the bill counts

    /// <summary>Shards a provisioned stream needs for one phase.</summary>
    public static int ShardsFor(TrafficPhase phase, int pollingConsumers)
    {
        ArgumentNullException.ThrowIfNull(phase);
        double byBytes = Math.Ceiling(phase.MiBps / 1.0);
        double byRecords = Math.Ceiling(phase.RecordsPerSecond / 1000.0);
        double byReads = Math.Ceiling(phase.MiBps * pollingConsumers / 2.0);
        return (int)Math.Max(1, Math.Max(byBytes, Math.Max(byRecords, byReads)));
    }

    /// <summary>The provisioned bill, with the shard count fixed at the peak phase's need.</summary>
    public static CostEstimate Provisioned(Workload workload, ProvisionedPrices prices)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(prices);
        double hours = workload.Phases.Sum(p => p.Hours);
        int shards = workload.Phases.Max(p => ShardsFor(p, workload.PollingConsumers));
        double shardHours = shards * hours;
        double units = workload.Phases.Sum(p => p.RecordsPerSecond * p.Hours * 3600 * Math.Ceiling((double)p.RecordBytes / PayloadUnitBytes));
        double gigabytes = workload.Phases.Sum(p => p.MiBps * p.Hours * 3600) * MiB / GiB;
        var lines = new List<CostLine>
        {
            new("shard-hours", shardHours, "shard-hour", prices.ShardHour, shardHours * prices.ShardHour),
            new("PUT payload units", units / 1e6, "million units", prices.PutPayloadUnitsPerMillion, units / 1e6 * prices.PutPayloadUnitsPerMillion),
        };
        if (workload.RetentionHours > 24)
        {
            lines.Add(new("extended retention", shardHours, "shard-hour", prices.ExtendedRetentionShardHour, shardHours * prices.ExtendedRetentionShardHour));
        }
        if (workload.RetentionHours > 168)
        {
            double gbMonths = LongTermGbMonths(workload);
            lines.Add(new("long-term retention", gbMonths, "GB-month", prices.LongTermRetentionGbMonth, gbMonths * prices.LongTermRetentionGbMonth));
        }
        if (workload.EfoConsumers > 0)
        {
            double consumerShardHours = workload.EfoConsumers * shardHours;
            lines.Add(new("fan-out consumer-shard-hours", consumerShardHours, "consumer-shard-hour", prices.EfoConsumerShardHour, consumerShardHours * prices.EfoConsumerShardHour));
            lines.Add(new("fan-out data retrieved", gigabytes * workload.EfoConsumers, "GB", prices.EfoGbRetrieved, gigabytes * workload.EfoConsumers * prices.EfoGbRetrieved));
        }
        return Bill("provisioned", lines, hours, $"{shards} shards for the peak phase, all {hours:0.#} hours");
    }

    /// <summary>The on-demand (Standard) bill.</summary>
    public static CostEstimate OnDemand(Workload workload, OnDemandPrices prices)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(prices);
        double hours = workload.Phases.Sum(p => p.Hours);
        double inBilled = workload.Phases.Sum(p => p.RecordsPerSecond * p.Hours * 3600 * Math.Ceiling((double)p.RecordBytes / OnDemandRoundingBytes) * OnDemandRoundingBytes) / GiB;
        double gigabytes = workload.Phases.Sum(p => p.MiBps * p.Hours * 3600) * MiB / GiB;
        var lines = new List<CostLine>
        {
            new("stream-hours", hours, "stream-hour", prices.StreamHour, hours * prices.StreamHour),
            new("data in (records rounded up to 1 KiB)", inBilled, "GB", prices.DataInGb, inBilled * prices.DataInGb),
        };
        if (workload.PollingConsumers > 0)
        {
            double outGb = gigabytes * workload.PollingConsumers;
            lines.Add(new("data out (GetRecords)", outGb, "GB", prices.DataOutGb, outGb * prices.DataOutGb));
        }
        if (workload.EfoConsumers > 0)
        {
            double efoGb = gigabytes * workload.EfoConsumers;
            lines.Add(new("fan-out data retrieved", efoGb, "GB", prices.EfoGbRetrieved, efoGb * prices.EfoGbRetrieved));
        }
        if (workload.RetentionHours > 24)
        {
            double gbMonths = StoredGbMonths(workload, Math.Min(workload.RetentionHours, 168) - 24);
            lines.Add(new("extended retention", gbMonths, "GB-month", prices.ExtendedRetentionGbMonth, gbMonths * prices.ExtendedRetentionGbMonth));
        }
        if (workload.RetentionHours > 168)
        {
            double gbMonths = LongTermGbMonths(workload);
            lines.Add(new("long-term retention", gbMonths, "GB-month", prices.LongTermRetentionGbMonth, gbMonths * prices.LongTermRetentionGbMonth));
        }
        return Bill("on-demand", lines, hours, "capacity follows the traffic (no shards to size)");
    }

    /// <summary>GB-months of data kept beyond 7 days.</summary>
    private static double LongTermGbMonths(Workload workload) => StoredGbMonths(workload, workload.RetentionHours - 168);

    /// <summary>GB-months for keeping each byte <paramref name="extraHours"/> more hours: written GB times the hours, over 730.</summary>
    private static double StoredGbMonths(Workload workload, double extraHours)
        => workload.Phases.Sum(p => p.MiBps * p.Hours * 3600) * MiB / GiB * extraHours / HoursPerMonth;

    private static CostEstimate Bill(string mode, List<CostLine> lines, double hours, string note)
    {
        double total = lines.Sum(l => l.Cost);
        return new CostEstimate(mode, lines, total, hours > 0 ? total * HoursPerMonth / hours : 0, note);
    }
}
