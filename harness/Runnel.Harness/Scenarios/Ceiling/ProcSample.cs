using System.Diagnostics;
using System.Globalization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// One reading of the Linux counters a point is judged by: a process's CPU time (<c>/proc/PID/stat</c>), the harness's
/// own, the whole machine's (<c>/proc/stat</c>) and one block device's (<c>/proc/diskstats</c>: writes, sectors written,
/// flushes completed, time busy). Fields that could not be read are null. Immutable.
/// </summary>
/// <param name="Timestamp">A <see cref="Stopwatch"/> timestamp.</param>
/// <param name="ServerTicks">utime + stime of the engine's process, in clock ticks (USER_HZ).</param>
/// <param name="HarnessTicks">utime + stime of the harness process.</param>
/// <param name="MachineBusyTicks">All CPUs' non-idle ticks (user, nice, system, irq, softirq, steal).</param>
/// <param name="MachineTotalTicks">All CPUs' ticks, idle and iowait included.</param>
/// <param name="Disk">The data directory's block device.</param>
/// <param name="EngineCommits">Group commits the engine reported (embedded mode only).</param>
public sealed record ProcSample(long Timestamp, long? ServerTicks, long? HarnessTicks, long? MachineBusyTicks, long? MachineTotalTicks, DiskCounters? Disk, long? EngineCommits)
{
    /// <summary>Clock ticks per second of the CPU times in <c>/proc</c>: USER_HZ, 100 on every Linux architecture .NET runs on.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>Reads the counters now.</summary>
    public static ProcSample Take(int? serverPid, string? diskName, long? engineCommits) => new(
        Stopwatch.GetTimestamp(),
        serverPid is { } pid ? ProcessTicks(pid) : null,
        ProcessTicks(Environment.ProcessId),
        MachineTicks(out long total), total > 0 ? total : null,
        diskName is null ? null : DiskCounters.Read(diskName),
        engineCommits);

    /// <summary>utime + stime from a <c>/proc/PID/stat</c> line (the command name may hold spaces and parentheses).</summary>
    public static long? ParseProcessTicks(string statLine)
    {
        ArgumentNullException.ThrowIfNull(statLine);
        int close = statLine.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        string[] fields = statLine[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 12
               && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long user)
               && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long system)
            ? user + system
            : null;
    }

    /// <summary>Busy and total ticks from the first (<c>cpu</c>) line of <c>/proc/stat</c>; busy is null when it does not parse.</summary>
    public static long? ParseMachineTicks(string cpuLine, out long total)
    {
        ArgumentNullException.ThrowIfNull(cpuLine);
        total = 0;
        string[] fields = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8 || fields[0] != "cpu")
        {
            return null;
        }
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        long[] values = [.. fields.Skip(1).Take(8).Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture))];
        total = values.Sum();
        return total - values[3] - values[4];
    }

    private static long? ProcessTicks(int pid)
    {
        try
        {
            return ParseProcessTicks(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? MachineTicks(out long total)
    {
        total = 0;
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return reader.ReadLine() is { } line ? ParseMachineTicks(line, out total) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
