using System.CommandLine;
using System.Globalization;
using System.Text;
using Runnel.Harness.Scenarios.OnDemand;

namespace Runnel.Harness.Scenarios.Cost;

/// <summary>The <c>cost</c> command (issue 7): a workload's bill in provisioned and in on-demand mode, from a pricing file.</summary>
public static class CostCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "steady (from the flags below) or on-demand-ramp (the on-demand scenario's traffic, 1 day)", DefaultValueFactory = _ => "steady" };
        profile.AcceptOnlyFromAmong("steady", "on-demand-ramp");
        var mibps = new Option<double>("--mibps") { Description = "steady write rate, MiB/s", DefaultValueFactory = _ => 1 };
        var recordBytes = new Option<int>("--record-bytes") { Description = "bytes per record", DefaultValueFactory = _ => 1024 };
        var hours = new Option<double>("--hours") { Description = "hours of steady traffic (730 = a month)", DefaultValueFactory = _ => CostModel.HoursPerMonth };
        var polling = new Option<int>("--polling") { Description = "GetRecords consumer applications reading everything", DefaultValueFactory = _ => 1 };
        var efo = new Option<int>("--efo") { Description = "enhanced fan-out consumers reading everything", DefaultValueFactory = _ => 0 };
        var retention = new Option<int>("--retention-hours") { Description = "retention period, 24..8760", DefaultValueFactory = _ => 24 };
        var pricing = new Option<string?>("--pricing") { Description = "pricing JSON (default: Scenarios/Cost/pricing-us-east-1.json)", HelpName = "FILE" };
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var command = new Command("cost", "What a workload costs per month in provisioned and on-demand mode, from a configurable pricing table")
        {
            profile, mibps, recordBytes, hours, polling, efo, retention, pricing, json,
        };
        command.SetAction(parse =>
        {
            int size = parse.GetValue(recordBytes);
            IReadOnlyList<TrafficPhase> phases = parse.GetValue(profile) == "on-demand-ramp"
                ? [.. OnDemandPhase.Ramp(1).Select(p => new TrafficPhase(p.Minutes / 60.0, p.MiBps * CostModel.MiB / size, size))]
                : [new TrafficPhase(parse.GetValue(hours), parse.GetValue(mibps) * CostModel.MiB / size, size)];
            var workload = new Workload(parse.GetValue(profile)!, phases, parse.GetValue(polling), parse.GetValue(efo), parse.GetValue(retention));
            return Run(workload, parse.GetValue(pricing) ?? Pricing.DefaultPath, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>Prices the workload both ways, prints, writes JSON. Returns 2 for a bad pricing file or workload.</summary>
    public static int Run(Workload workload, string pricingPath, string? jsonPath)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (workload.RetentionHours is < 24 or > 8760 || workload.Phases.Any(p => p.Hours <= 0 || p.RecordBytes <= 0 || p.RecordsPerSecond < 0))
        {
            Console.Error.WriteLine("cost: retention must be 24..8760 hours, and every phase needs hours > 0 and records > 0 bytes.");
            return HarnessExitCode.Usage;
        }
        Pricing pricing;
        try
        {
            pricing = Pricing.Load(pricingPath);
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            Console.Error.WriteLine($"cost: {e.Message}");
            return HarnessExitCode.Usage;
        }
        CostEstimate provisioned = CostModel.Provisioned(workload, pricing.Provisioned);
        CostEstimate onDemand = CostModel.OnDemand(workload, pricing.OnDemand);
        Console.Out.Write(ToTable(workload, pricing, [provisioned, onDemand]));
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, new { scenario = "cost", workload, pricing, estimates = new[] { provisioned, onDemand } });
            Console.Out.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        return 0;
    }

    /// <summary>The bills as Markdown.</summary>
    public static string ToTable(Workload workload, Pricing pricing, IReadOnlyList<CostEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pricing);
        ArgumentNullException.ThrowIfNull(estimates);
        var text = new StringBuilder();
        double hours = workload.Phases.Sum(p => p.Hours);
        double peak = workload.Phases.Max(p => p.MiBps);
        text.AppendLine(Invariant($"cost of '{workload.Name}': {workload.Phases.Count} phase(s), {hours:0.##} h, peak {peak:0.###} MiB/s, {workload.PollingConsumers} polling and {workload.EfoConsumers} fan-out consumers, retention {workload.RetentionHours} h; prices: {pricing.Region} ({pricing.Currency}), {pricing.Source}"));
        foreach (CostEstimate estimate in estimates)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"{estimate.Mode}: {estimate.Note}"));
            text.AppendLine();
            text.AppendLine("| item | quantity | unit | unit price | cost |");
            text.AppendLine("|---|--:|---|--:|--:|");
            foreach (CostLine line in estimate.Lines)
            {
                text.AppendLine(Invariant($"| {line.Item} | {line.Quantity:0.###} | {line.Unit} | {line.UnitPrice} | {line.Cost:0.00} |"));
            }
            text.AppendLine(Invariant($"| **total** | | | | **{estimate.Total:0.00}** |"));
            text.AppendLine(Invariant($"| per 730-hour month | | | | {estimate.PerMonth:0.00} |"));
        }
        text.AppendLine();
        CostEstimate cheaper = estimates.MinBy(e => e.Total)!;
        text.AppendLine(Invariant($"cheaper for this workload: {cheaper.Mode} ({cheaper.PerMonth:0.00} {pricing.Currency}/month)"));
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
