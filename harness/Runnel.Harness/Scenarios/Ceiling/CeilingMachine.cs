using System.Runtime;
using System.Runtime.InteropServices;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>Where and from what a run came: enough to compare runs of the same machine only.</summary>
/// <param name="Name">The machine's name, as every run directory has it (<see cref="RunEnvironment.CurrentMachineName"/>: RUNNEL_MACHINE, else dev-&lt;cores&gt;core).</param>
/// <param name="CpuModel">From /proc/cpuinfo.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="MemoryGiB">Physical memory.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Kernel">Kernel release.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="HarnessGc">The harness's GC mode (the embedded engine runs under it).</param>
/// <param name="DataDirectory">Where the data went.</param>
/// <param name="Disk">Its block device.</param>
/// <param name="GitCommit">The commit built, and "-dirty" when the tree had changes.</param>
/// <param name="StartedUtc">Start of the run.</param>
/// <param name="WallSeconds">Length of the run.</param>
/// <param name="LoadAverageBefore">/proc/loadavg at the start (other processes share the machine).</param>
/// <param name="LoadAverageAfter">/proc/loadavg at the end.</param>
public sealed record CeilingMachine(
    string Name,
    string CpuModel,
    int Cores,
    double MemoryGiB,
    string Os,
    string Kernel,
    string Runtime,
    string HarnessGc,
    string DataDirectory,
    string? Disk,
    string GitCommit,
    DateTime StartedUtc,
    double WallSeconds,
    string LoadAverageBefore,
    string LoadAverageAfter)
{
    /// <summary>This machine now; <paramref name="loadBefore"/> and <paramref name="started"/> were read at the start.</summary>
    public static CeilingMachine Current(string dataDirectory, string? disk, string gitCommit, DateTime started, string loadBefore)
        => new(RunEnvironment.CurrentMachineName(), RunEnvironment.ReadCpuModel(), Environment.ProcessorCount,
            Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
            RuntimeInformation.OSDescription, Read("/proc/sys/kernel/osrelease"), RuntimeInformation.FrameworkDescription,
            (GCSettings.IsServerGC ? "server" : "workstation") + ", " + GCSettings.LatencyMode,
            dataDirectory, disk, gitCommit, started, Math.Round((DateTime.UtcNow - started).TotalSeconds, 1), loadBefore, LoadAverage());

    /// <summary>The first three fields of /proc/loadavg.</summary>
    public static string LoadAverage() => string.Join(' ', Read("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The short commit of the repository at or above <paramref name="directory"/>, "-dirty" when it has changes; "unknown" without git.</summary>
    public static string GitCommitOf(string directory)
    {
        string? head = RunEnvironment.RunGit(directory, "rev-parse --short=7 HEAD")?.Trim();
        if (head is null)
        {
            return "unknown";
        }
        return string.IsNullOrWhiteSpace(RunEnvironment.RunGit(directory, "status --porcelain --untracked-files=no")) ? head : head + "-dirty";
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
