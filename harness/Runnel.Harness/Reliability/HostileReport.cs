using System.Globalization;
using System.Text;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>The normal client's figures in one phase.</summary>
/// <param name="Phase">baseline, under attack, after.</param>
/// <param name="Puts">Acknowledged PutRecords.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P99Ms">99th percentile latency.</param>
/// <param name="MaxMs">Slowest.</param>
/// <param name="Errors">Error answers by type (none expected).</param>
public sealed record HostileClientPhase(string Phase, int Puts, double P50Ms, double P99Ms, double MaxMs, IReadOnlyDictionary<string, int> Errors);

/// <summary>The result of a hostile run: the attacks, the normal client, the server's memory, the checks.</summary>
/// <param name="Scenario">"hostile".</param>
/// <param name="Server">How the server ran.</param>
/// <param name="Limits">The transport limits in force (seconds and bytes).</param>
/// <param name="Attacks">One line per attack.</param>
/// <param name="Client">The normal client per phase.</param>
/// <param name="RssBeforeMiB">Resident set at the end of the baseline.</param>
/// <param name="RssPeakMiB">Highest resident set sampled during the attack.</param>
/// <param name="RssAfterMiB">Resident set after the attack, once the abusive connections were gone.</param>
/// <param name="DescriptorsBefore">Open descriptors at the end of the baseline.</param>
/// <param name="DescriptorsAfter">Open descriptors after.</param>
/// <param name="RssSamples">Every sample: seconds since sampling began, MiB.</param>
/// <param name="ServerErrorLines">The server's log lines at error level or above.</param>
/// <param name="Checks">The checks.</param>
/// <param name="Environment">Where it ran.</param>
public sealed record HostileReport(
    string Scenario, string Server, IReadOnlyDictionary<string, double> Limits, IReadOnlyList<HostileAttackResult> Attacks,
    IReadOnlyList<HostileClientPhase> Client, double RssBeforeMiB, double RssPeakMiB, double RssAfterMiB,
    int DescriptorsBefore, int DescriptorsAfter, IReadOnlyList<double[]> RssSamples, IReadOnlyList<string> ServerErrorLines,
    IReadOnlyList<ScenarioCheck> Checks, ScenarioEnvironment Environment)
{
    /// <summary>How far above the baseline the resident set may peak during the attack.</summary>
    public const double PeakGrowthBoundMiB = 256;

    /// <summary>How far above the baseline the resident set may stay once the attack is over.</summary>
    public const double AfterGrowthBoundMiB = 64;

    /// <summary>How far above its baseline the normal client's p99 may rise under attack even past 2x (the attackers
    /// share the cores, so a 2 ms baseline cannot stay under 4 ms on a 2-core machine).</summary>
    public const double P99AbsoluteFloorMs = 10;

    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Checks.All(c => c.Passed);

    internal static HostileReport Build(
        HostileOptions options, HostileServerProcess server, HostileRun.NormalClient baseline, HostileRun.NormalClient underAttack,
        HostileRun.NormalClient after, IReadOnlyList<HostileAttackResult> attacks, long rssBefore, long rssPeak, long rssAfter,
        int fdsBefore, int fdsAfter, IReadOnlyList<(double Seconds, long Bytes)> samples, TimeSpan wall)
    {
        static double MiB(long bytes) => Math.Round(bytes / 1048576.0, 1);
        static HostileClientPhase Phase(string name, HostileRun.NormalClient c) => new(
            name, c.Ok, Math.Round(c.Latencies.PercentileMicroseconds(50) / 1000 ?? 0, 3), Math.Round(c.Latencies.PercentileMicroseconds(99) / 1000 ?? 0, 3),
            Math.Round(c.Latencies.PercentileMicroseconds(100) / 1000 ?? 0, 3), c.Errors.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        HostileClientPhase b = Phase("baseline", baseline), a = Phase("under attack", underAttack), f = Phase("after", after);
        var checks = new List<ScenarioCheck>();
        foreach (HostileAttackResult attack in attacks)
        {
            checks.Add(new ScenarioCheck(attack.Name,
                $"every connection ends with one of [{string.Join(", ", attack.Expected)}] within {ScenarioFormat.Number(attack.BoundSeconds, 1)} s ({attack.BoundRule})",
                string.Create(CultureInfo.InvariantCulture, $"{attack.Connections} connections: {attack.OutcomeText}; max {attack.MaxEndSeconds ?? 0:0.###} s; {attack.Unexpected} unexpected, {attack.Late} late"),
                attack.Passed));
        }
        // The attackers run on the same machine as the server (2 cores here), so with a baseline p99 of a few
        // milliseconds, their own CPU use alone can push the client's p99 past 2x (measured: 2.0 -> 6.6 ms on a quiet
        // machine). The check therefore holds when p99 stays under 2x its baseline OR within 10 ms of it, and says
        // which; a server that stalls under attack (tens of ms or more) still fails it.
        bool withinRatio = a.P99Ms < 2 * b.P99Ms;
        bool withinFloor = a.P99Ms < b.P99Ms + P99AbsoluteFloorMs;
        checks.Add(new ScenarioCheck("normal-client-p99",
            $"the normal client's p99 under attack < 2 x its baseline p99, or within {P99AbsoluteFloorMs} ms of it (the attackers share the machine's cores)",
            string.Create(CultureInfo.InvariantCulture, $"baseline p99 {b.P99Ms:0.###} ms, under attack {a.P99Ms:0.###} ms ({(b.P99Ms > 0 ? a.P99Ms / b.P99Ms : 0):0.##} x, +{a.P99Ms - b.P99Ms:0.###} ms): {(withinRatio ? "within 2x" : withinFloor ? "over 2x, within the absolute floor" : "over both")}"),
            a.Puts > 0 && b.P99Ms > 0 && (withinRatio || withinFloor)));
        int clientErrors = b.Errors.Values.Sum() + a.Errors.Values.Sum() + f.Errors.Values.Sum();
        checks.Add(new ScenarioCheck("normal-client-served", "every PutRecord of the normal client acknowledged, in every phase",
            string.Create(CultureInfo.InvariantCulture, $"{b.Puts} + {a.Puts} + {f.Puts} acknowledged, {clientErrors} errors ({string.Join(", ", a.Errors.Concat(b.Errors).Concat(f.Errors).Select(p => p.Key + " x" + p.Value))})"),
            clientErrors == 0 && a.Puts > 0));
        int probe500 = attacks.Sum(x => x.Outcomes.GetValueOrDefault("HTTP 500"));
        int client500 = baseline.ServerErrors + underAttack.ServerErrors + after.ServerErrors;
        checks.Add(new ScenarioCheck("no-500", "no HTTP 5xx to anyone, no server log line at error level",
            string.Create(CultureInfo.InvariantCulture, $"{probe500} to abusers, {client500} to the normal client, {server.ErrorLines.Count} error log lines"),
            probe500 == 0 && client500 == 0 && server.ErrorLines.Count == 0 && server.IsRunning));
        checks.Add(new ScenarioCheck("memory-peak", $"resident set during the attack <= baseline + {PeakGrowthBoundMiB} MiB",
            string.Create(CultureInfo.InvariantCulture, $"{MiB(rssBefore)} MiB before, peak {MiB(rssPeak)} MiB (+{MiB(rssPeak - rssBefore)})"),
            rssBefore > 0 && rssPeak - rssBefore <= PeakGrowthBoundMiB * 1048576));
        checks.Add(new ScenarioCheck("memory-after", $"resident set after the attack <= baseline + {AfterGrowthBoundMiB} MiB",
            string.Create(CultureInfo.InvariantCulture, $"{MiB(rssBefore)} MiB before, {MiB(rssAfter)} MiB after (+{MiB(rssAfter - rssBefore)})"),
            rssBefore > 0 && rssAfter - rssBefore <= AfterGrowthBoundMiB * 1048576));
        checks.Add(new ScenarioCheck("descriptors-released", "open descriptors after the attack <= before + 16 (every abusive socket closed)",
            string.Create(CultureInfo.InvariantCulture, $"{fdsBefore} before, {fdsAfter} after"),
            fdsAfter >= 0 && fdsAfter <= fdsBefore + 16));
        TransportLimitsView limits = new(options.Limits);
        return new HostileReport("hostile",
            "child process of the harness hosting RunnelServer (as `runnel serve`: io_uring device where usable, workstation GC), plain port, stream limits on",
            limits.ToDictionary(), attacks, [b, a, f], MiB(rssBefore), MiB(rssPeak), MiB(rssAfter), fdsBefore, fdsAfter,
            [.. samples.Select(s => new[] { s.Seconds, MiB(s.Bytes) })], server.ErrorLines, checks, ScenarioEnvironment.Current(wall));
    }

    /// <summary>The table printed at the end of a run.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"attack",-22} {"conc",5} {"conns",6} {"p50 end s",9} {"max end s",9} {"bound s",7}  outcomes");
        foreach (HostileAttackResult a in Attacks)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{a.Name,-22} {a.Concurrency,5} {a.Connections,6} {a.MedianEndSeconds ?? 0,9:0.000} {a.MaxEndSeconds ?? 0,9:0.000} {a.BoundSeconds,7:0.0}  {a.OutcomeText}");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"normal client",-14} {"puts",6} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  errors");
        foreach (HostileClientPhase p in Client)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{p.Phase,-14} {p.Puts,6} {p.P50Ms,8:0.000} {p.P99Ms,8:0.000} {p.MaxMs,8:0.000}  {p.Errors.Values.Sum()}");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"server RSS: {RssBeforeMiB} MiB before, {RssPeakMiB} MiB peak under attack, {RssAfterMiB} MiB after; descriptors {DescriptorsBefore} -> {DescriptorsAfter}");
        text.AppendLine();
        foreach (ScenarioCheck c in Checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{c.Verdict}  {c.Name}: {c.Measured}  [{c.Rule}]");
        }
        return text.ToString();
    }

    /// <summary>The limits as numbers for the JSON.</summary>
    private readonly record struct TransportLimitsView(Runnel.Server.TransportLimits Limits)
    {
        public Dictionary<string, double> ToDictionary() => new(StringComparer.Ordinal)
        {
            ["requestHeadersTimeoutSeconds"] = Limits.RequestHeadersTimeout.TotalSeconds,
            ["keepAliveTimeoutSeconds"] = Limits.KeepAliveTimeout.TotalSeconds,
            ["minDataRateGracePeriodSeconds"] = Limits.MinDataRateGracePeriod.TotalSeconds,
            ["minRequestBodyBytesPerSecond"] = Limits.MinRequestBodyBytesPerSecond,
            ["maxRequestHeadersBytes"] = Limits.MaxRequestHeadersBytes,
            ["maxRequestBodyBytes"] = Limits.MaxRequestBodyBytes,
        };
    }
}
