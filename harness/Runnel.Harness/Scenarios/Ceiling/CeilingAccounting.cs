using System.Globalization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>The arithmetic of a <c>ceiling</c> run, kept apart from the I/O so that tests can check it on known input.</summary>
public static class CeilingAccounting
{
    /// <summary>The engine's process counts as CPU-bound at this share of all cores.</summary>
    public const double ServerCpuShare = 0.8;

    /// <summary>The machine counts as CPU-bound at this share busy.</summary>
    public const double MachineCpuPercent = 90;

    /// <summary>The disk counts as the bound when busy this share of the window.</summary>
    public const double DiskBusyPercent = 80;

    /// <summary>Events per second; 0 for an empty window.</summary>
    public static double PerSecond(long count, double seconds) => seconds > 0 ? count / seconds : 0;

    /// <summary>MB/s (10^6 bytes) of <paramref name="records"/> records of <paramref name="recordBytes"/> bytes.</summary>
    public static double MegabytesPerSecond(long records, int recordBytes, double seconds) => seconds > 0 ? records * (double)recordBytes / seconds / 1e6 : 0;

    /// <summary>
    /// Which resource bounded a point: the engine's process near all cores, else the whole machine near all cores (the
    /// producers or other processes shared them), else the disk busy nearly all the time, else neither (the producers'
    /// calls in flight set the rate).
    /// </summary>
    public static (CeilingLimit Limit, string Reason) Classify(CeilingResources resources, CeilingMode mode)
    {
        ArgumentNullException.ThrowIfNull(resources);
        string cpu = mode == CeilingMode.Embedded
            ? Invariant($"engine and producers (one process) {Show(resources.ServerCpuPercent)} % of one core, machine {Show(resources.MachineCpuPercent)} % of {resources.Cores} cores busy (other processes {Show(Others(resources, mode))} % of one core)")
            : Invariant($"server process {Show(resources.ServerCpuPercent)} % of one core, harness (producers) {Show(resources.HarnessCpuPercent)} %, machine {Show(resources.MachineCpuPercent)} % of {resources.Cores} cores busy (other processes {Show(Others(resources, mode))} % of one core)");
        string disk = Invariant($"disk {resources.Disk ?? "?"} busy {Show(resources.DiskBusyPercent)} %, {Show(resources.DiskFlushesPerSecond)} flushes/s, {Show(resources.DiskWriteMegabytesPerSecond)} MB/s written{(resources.EngineCommitsPerSecond is { } c ? Invariant($", {c:0} engine commits/s") : "")}");
        string reason = cpu + "; " + disk;
        if (resources.ServerCpuPercent is null && resources.MachineCpuPercent is null && resources.DiskBusyPercent is null)
        {
            return (CeilingLimit.Unknown, reason);
        }
        if (resources.ServerCpuPercent is { } server && server >= ServerCpuShare * 100 * resources.Cores)
        {
            return (CeilingLimit.ServerCpu, reason);
        }
        if (resources.MachineCpuPercent is >= MachineCpuPercent)
        {
            return (CeilingLimit.MachineCpu, reason);
        }
        if (resources.DiskBusyPercent is >= DiskBusyPercent)
        {
            return (CeilingLimit.Disk, reason);
        }
        return (CeilingLimit.Concurrency, reason);
    }

    /// <summary>
    /// The ceiling of a sweep: the point with the most MB/s among the clean ones (no refused record, acknowledgements
    /// consistent), the lower p99 breaking a tie; among all points when none is clean. -1 for an empty list.
    /// </summary>
    public static int Ceiling(IReadOnlyList<CeilingPointResult> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        bool anyClean = points.Any(p => p.Clean);
        int best = -1;
        for (int i = 0; i < points.Count; i++)
        {
            CeilingPointResult p = points[i];
            if (anyClean && !p.Clean)
            {
                continue;
            }
            if (best < 0
                || p.MegabytesPerSecond > points[best].MegabytesPerSecond
                || (p.MegabytesPerSecond == points[best].MegabytesPerSecond && (p.Latency?.P99 ?? double.MaxValue) < (points[best].Latency?.P99 ?? double.MaxValue)))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>How far the slowest and fastest whole seconds of a window stray from its mean, as a fraction (0 = flat).</summary>
    public static double Spread(IReadOnlyList<long> perSecond)
    {
        ArgumentNullException.ThrowIfNull(perSecond);
        if (perSecond.Count == 0)
        {
            return 0;
        }
        double mean = perSecond.Average();
        return mean <= 0 ? 0 : Math.Round((perSecond.Max() - perSecond.Min()) / mean, 3);
    }

    /// <summary>CPU of processes other than the engine's and the harness's, in % of one core (never below 0).</summary>
    public static double? Others(CeilingResources resources, CeilingMode mode)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (resources.MachineCpuPercent is not { } machine || resources.ServerCpuPercent is not { } server)
        {
            return null;
        }
        double ours = mode == CeilingMode.Embedded ? server : server + (resources.HarnessCpuPercent ?? 0);
        return Math.Round(Math.Max(0, (machine * resources.Cores) - ours), 1);
    }

    private static string Show(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "?";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
