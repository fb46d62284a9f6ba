using System.Globalization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// One block device's line of <c>/proc/diskstats</c>: writes completed, sectors (512 B) written, milliseconds the
/// device was busy (io_ticks: the basis of iostat's %util) and flush requests completed (kernel 5.5+: each
/// <c>fdatasync</c> that reaches a disk with a volatile cache). Immutable.
/// </summary>
/// <param name="Name">The device, for example <c>vda</c>.</param>
/// <param name="Writes">Write requests completed.</param>
/// <param name="SectorsWritten">512-byte sectors written.</param>
/// <param name="BusyMilliseconds">Time with at least one request in flight.</param>
/// <param name="Flushes">Flush requests completed; null on kernels that do not report them.</param>
public sealed record DiskCounters(string Name, long Writes, long SectorsWritten, long BusyMilliseconds, long? Flushes)
{
    /// <summary>The counters of <paramref name="name"/> in <paramref name="diskstats"/> (the file's text); null when absent.</summary>
    public static DiskCounters? Parse(string diskstats, string name)
    {
        ArgumentNullException.ThrowIfNull(diskstats);
        foreach (string line in diskstats.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // major minor name, then: reads reads-merged sectors-read ms-reading writes writes-merged sectors-written
            // ms-writing in-flight io-ticks weighted; 4.18+: 4 discard fields; 5.5+: flushes, ms-flushing.
            if (f.Length < 14 || f[2] != name)
            {
                continue;
            }
            return new DiskCounters(name, Long(f[7]), Long(f[9]), Long(f[12]), f.Length >= 20 ? Long(f[18]) : null);
        }
        return null;
    }

    /// <summary>Reads <paramref name="name"/>'s counters now; null when they cannot be read.</summary>
    public static DiskCounters? Read(string name)
    {
        try
        {
            return Parse(File.ReadAllText("/proc/diskstats"), name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The block device holding <paramref name="path"/>: the mount with the longest matching mount point in
    /// <c>/proc/self/mountinfo</c>, by its major:minor in <c>/proc/diskstats</c>. Null when none matches (tmpfs, overlay).
    /// </summary>
    public static string? DeviceOf(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            string? best = null;
            int bestLength = -1;
            foreach (string line in File.ReadLines("/proc/self/mountinfo"))
            {
                string[] f = line.Split(' ');
                if (f.Length < 5)
                {
                    continue;
                }
                string mount = f[4].Replace("\\040", " ", StringComparison.Ordinal);
                bool under = full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
                if (under && mount.Length > bestLength)
                {
                    best = f[2];
                    bestLength = mount.Length;
                }
            }
            if (best is null)
            {
                return null;
            }
            foreach (string line in File.ReadLines("/proc/diskstats"))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 2 && $"{f[0]}:{f[1]}" == best)
                {
                    return f[2];
                }
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Long(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
