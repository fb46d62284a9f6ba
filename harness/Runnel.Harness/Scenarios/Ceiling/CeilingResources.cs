namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>What the machine did during a point's measured window (rates over the window; null when not readable).</summary>
/// <param name="ServerCpuPercent">CPU of the engine's process, in % of one core (200 % = both cores of a 2-core machine).
/// In embedded mode the producers run in that process too.</param>
/// <param name="HarnessCpuPercent">CPU of the harness process (the producers), in % of one core.</param>
/// <param name="MachineCpuPercent">All cores busy, in % of the whole machine (other processes included).</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="Disk">The data directory's device.</param>
/// <param name="DiskFlushesPerSecond">Flush requests (fdatasync reaching the disk) completed per second.</param>
/// <param name="DiskBusyPercent">Share of the window the device had requests in flight (iostat's %util).</param>
/// <param name="DiskWriteMegabytesPerSecond">Bytes written to the device, MB/s (10^6), every process included.</param>
/// <param name="EngineCommitsPerSecond">The engine's group commits per second (one write + fdatasync of a shard's batch; embedded mode).</param>
public sealed record CeilingResources(
    double? ServerCpuPercent,
    double? HarnessCpuPercent,
    double? MachineCpuPercent,
    int Cores,
    string? Disk,
    double? DiskFlushesPerSecond,
    double? DiskBusyPercent,
    double? DiskWriteMegabytesPerSecond,
    double? EngineCommitsPerSecond)
{
    /// <summary>The rates between two readings.</summary>
    public static CeilingResources Between(ProcSample start, ProcSample end, int cores)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        double seconds = (end.Timestamp - start.Timestamp) / (double)System.Diagnostics.Stopwatch.Frequency;
        double? PerSecond(long? a, long? b, double scale = 1) => a is { } x && b is { } y && seconds > 0 ? Math.Round((y - x) * scale / seconds, 1) : null;
        double? machine = start.MachineBusyTicks is { } b0 && end.MachineBusyTicks is { } b1 && start.MachineTotalTicks is { } t0 && end.MachineTotalTicks is { } t1 && t1 > t0
            ? Math.Round(100.0 * (b1 - b0) / (t1 - t0), 1)
            : null;
        DiskCounters? d0 = start.Disk, d1 = end.Disk;
        return new CeilingResources(
            PerSecond(start.ServerTicks, end.ServerTicks, 100 / ProcSample.TicksPerSecond),
            PerSecond(start.HarnessTicks, end.HarnessTicks, 100 / ProcSample.TicksPerSecond),
            machine,
            cores,
            d1?.Name,
            PerSecond(d0?.Flushes, d1?.Flushes),
            d0 is null || d1 is null || seconds <= 0 ? null : Math.Round(Math.Min(100, (d1.BusyMilliseconds - d0.BusyMilliseconds) / 10.0 / seconds), 1),
            PerSecond(d0?.SectorsWritten, d1?.SectorsWritten, 512 / 1e6),
            PerSecond(start.EngineCommits, end.EngineCommits));
    }
}
