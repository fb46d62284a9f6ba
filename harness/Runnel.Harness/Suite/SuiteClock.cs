using System.Diagnostics;
using System.Globalization;

namespace Runnel.Harness.Suite;

/// <summary>
/// When the command the user typed started. <c>dotnet run --project harness/Runnel.Harness -- suite --quick</c>
/// builds the harness before the suite starts (over a minute on a fresh clone on 2 cores), and the quick suite's
/// limit is for the whole command: so when this process's parent is that <c>dotnet run</c>, its start is the
/// command's start; otherwise (the apphost, a test) this process's own start is.
/// </summary>
public static class SuiteClock
{
    /// <summary>The command's start, in UTC.</summary>
    public static DateTime CommandStartUtc()
    {
        using Process self = Process.GetCurrentProcess();
        DateTime own = self.StartTime.ToUniversalTime();
        if (ParentProcessId() is not { } parent || !IsDotnetRun(parent))
        {
            return own;
        }
        try
        {
            using Process dotnet = Process.GetProcessById(parent);
            DateTime start = dotnet.StartTime.ToUniversalTime();
            return start < own ? start : own;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return own;
        }
    }

    /// <summary>This process's parent, from /proc/self/stat (Linux); null elsewhere.</summary>
    private static int? ParentProcessId()
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
            string stat = File.ReadAllText("/proc/self/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ppid) ? ppid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is <c>dotnet run ...</c>, from its /proc command line.</summary>
    private static bool IsDotnetRun(int pid)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return argv.Length > 1 && Path.GetFileName(argv[0]) == "dotnet" && argv[1] == "run";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
