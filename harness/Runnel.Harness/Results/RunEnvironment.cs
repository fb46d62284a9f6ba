using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Runnel.Harness.Results;

/// <summary>Where and from what a run came: enough to tell whether two runs can be compared (env.json of a run directory).</summary>
/// <param name="Machine">The machine's name in run directory names: <c>RUNNEL_MACHINE</c>, else <c>dev-&lt;cores&gt;core</c>.</param>
/// <param name="Host">The host name.</param>
/// <param name="CpuModel">The CPU model from /proc/cpuinfo (the processor architecture elsewhere).</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="MemoryGiB">Physical memory, GiB (0 when unknown).</param>
/// <param name="Os">The operating system description.</param>
/// <param name="Kernel">The kernel release (Linux), else empty.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Gc">The garbage collector mode of this process.</param>
/// <param name="GitSha">The commit built (full sha), or <c>unknown</c> outside a git checkout.</param>
/// <param name="GitDirty">Whether the work tree had uncommitted changes (null when unknown).</param>
/// <param name="LoadAverage">/proc/loadavg's 1, 5 and 15 minute figures at capture (the machine may be shared).</param>
/// <param name="StartedUtc">When the run started.</param>
public sealed record RunEnvironment(
    string Machine,
    string Host,
    string CpuModel,
    int Cores,
    double MemoryGiB,
    string Os,
    string Kernel,
    string Runtime,
    string Gc,
    string GitSha,
    bool? GitDirty,
    string LoadAverage,
    DateTimeOffset StartedUtc)
{
    /// <summary>The environment variable that names the machine.</summary>
    public const string MachineVariable = "RUNNEL_MACHINE";

    /// <summary>The first 7 characters of <see cref="GitSha"/>.</summary>
    public string ShortSha => GitSha.Length >= 7 ? GitSha[..7] : GitSha;

    /// <summary>Captures this process's environment, with git state read from <paramref name="repository"/> (null: none).</summary>
    public static RunEnvironment Capture(string? repository, TimeProvider? time = null)
    {
        (string sha, bool? dirty) = repository is null ? ("unknown", null) : Git(repository);
        return new RunEnvironment(
            CurrentMachineName(),
            Environment.MachineName,
            ReadCpuModel(),
            Environment.ProcessorCount,
            Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
            RuntimeInformation.OSDescription,
            ReadFirstLine("/proc/sys/kernel/osrelease") ?? "",
            RuntimeInformation.FrameworkDescription,
            (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent"),
            sha,
            dirty,
            ReadFirstLine("/proc/loadavg") is { } load ? string.Join(' ', load.Split(' ').Take(3)) : "",
            (time ?? TimeProvider.System).GetUtcNow());
    }

    /// <summary>This machine's name in run directory names and records: <see cref="MachineVariable"/>, else <c>dev-&lt;cores&gt;core</c>.</summary>
    public static string CurrentMachineName()
        => MachineName(Environment.GetEnvironmentVariable(MachineVariable), Environment.ProcessorCount);

    /// <summary>The machine name: <paramref name="configured"/> when set, else <c>dev-&lt;cores&gt;core</c>.</summary>
    public static string MachineName(string? configured, int cores)
        => string.IsNullOrWhiteSpace(configured) ? $"dev-{cores}core" : configured.Trim();

    /// <summary>The git repository holding <paramref name="directory"/> (a folder with <c>.git</c>, a directory or a worktree's file), or null.</summary>
    public static string? FindRepository(string directory)
    {
        for (DirectoryInfo? d = new(Path.GetFullPath(directory)); d is not null; d = d.Parent)
        {
            string git = Path.Combine(d.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return d.FullName;
            }
        }
        return null;
    }

    private static (string Sha, bool? Dirty) Git(string repository)
    {
        string? sha = RunGit(repository, "rev-parse HEAD")?.Trim();
        if (string.IsNullOrEmpty(sha))
        {
            return ("unknown", null);
        }
        string? status = RunGit(repository, "status --porcelain --untracked-files=no");
        return (sha, status is null ? null : status.Trim().Length > 0);
    }

    /// <summary>Runs git in <paramref name="repository"/>; its standard output, or null when git failed or is missing.</summary>
    internal static string? RunGit(string repository, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = repository,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process git = Process.Start(start)!;
            string output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on the PATH
        }
    }

    /// <summary>The CPU model from /proc/cpuinfo, or the process architecture where there is none.</summary>
    internal static string ReadCpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
