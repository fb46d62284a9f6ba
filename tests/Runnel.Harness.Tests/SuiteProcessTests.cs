using System.Diagnostics;
using Runnel.Harness.Suite;

namespace Runnel.Harness.Tests;

/// <summary>The suite's child processes: exit codes pass through, a part past its limit is killed with its whole tree.</summary>
public sealed class SuiteProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("runnel-suite-process-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RunAsync_ExitsInTime_ReturnsItsExitCodeAndOutput()
    {
        var lines = new List<string>();

        SuiteProcessResult result = await SuiteProcess.RunAsync(Shell("echo measured; exit 3"), Console, "sh", TimeSpan.FromSeconds(30), lines.Add, CancellationToken.None);

        Assert.Equal(new SuiteProcessResult(3, TimedOut: false), result);
        Assert.Equal(["measured"], lines);
        Assert.Equal(["$ sh", "measured", "(exit code 3)"], File.ReadAllLines(Console));
    }

    [Fact]
    public async Task RunAsync_PastItsLimit_KillsTheWholeTreeAndSaysSo()
    {
        string pidFile = Path.Combine(_folder, "grandchild.pid");
        var watch = Stopwatch.StartNew();

        // The shell waits on a grandchild, as dotnet run waits on the program it started.
        SuiteProcessResult result = await SuiteProcess.RunAsync(Shell($"sleep 60 & echo $! > {pidFile}; wait"), Console, "sh", TimeSpan.FromMilliseconds(500), _ => { }, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        int grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await GoneAsync(grandchild), $"grandchild {grandchild} still runs");
        Assert.StartsWith("(timed out after ", File.ReadAllLines(Console)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoSuchProgram_Returns127()
    {
        SuiteProcessResult result = await SuiteProcess.RunAsync(new ProcessStartInfo(Path.Combine(_folder, "missing")), Console, "missing", TimeSpan.FromSeconds(5), _ => { }, CancellationToken.None);

        Assert.Equal(new SuiteProcessResult(127, TimedOut: false), result);
    }

    private string Console => Path.Combine(_folder, "console.txt");

    private static ProcessStartInfo Shell(string script) => new("/bin/sh", ["-c", script]);

    /// <summary>Whether the process is gone (or a zombie nobody reaped yet) within a few seconds.</summary>
    private static async Task<bool> GoneAsync(int pid)
    {
        for (int i = 0; i < 50; i++)
        {
            string status = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "status");
            if (!File.Exists(status) || File.ReadAllLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal)))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
