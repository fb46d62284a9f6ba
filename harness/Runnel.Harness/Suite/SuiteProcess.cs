using System.Diagnostics;

namespace Runnel.Harness.Suite;

/// <summary>
/// Runs one child process of the suite with a wall-time limit: its stdout and stderr go, line by line, to a console
/// file (so <c>tail -f</c> works while it runs) and to a callback; past the limit the whole process tree is killed
/// (<c>dotnet run</c> starts the program as its child, BenchmarkDotNet and compare-peers start more).
/// </summary>
public static class SuiteProcess
{
    /// <summary>How long to wait for the output pipes to close after a kill: a grandchild that left the tree may hold them.</summary>
    private static readonly TimeSpan s_drainAfterKill = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="start"/> (its redirection flags are set here) and waits at most <paramref name="limit"/>.</summary>
    /// <param name="start">The program and its arguments.</param>
    /// <param name="consolePath">The file that gets the command line, every output line and the exit code.</param>
    /// <param name="commandLine">The command line as written at the top of the console file.</param>
    /// <param name="limit">The wall-time limit.</param>
    /// <param name="onLine">Called with every output line (under a lock: one at a time).</param>
    /// <param name="cancellation">Cancels the suite: the tree is killed and the cancellation thrown.</param>
    public static async Task<SuiteProcessResult> RunAsync(ProcessStartInfo start, string consolePath, string commandLine, TimeSpan limit,
        Action<string> onLine, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(onLine);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        await using var console = new StreamWriter(consolePath) { AutoFlush = true };
        await console.WriteLineAsync($"$ {commandLine}").ConfigureAwait(false);
        var gate = new Lock();
        using var process = new Process { StartInfo = start };
        void Receive(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (gate)
            {
                console.WriteLine(line);
                onLine(line);
            }
        }
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await console.WriteLineAsync($"could not start: {e.Message}").ConfigureAwait(false);
            return new SuiteProcessResult(127, TimedOut: false);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(limit);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellation.ThrowIfCancellationRequested();
            timedOut = true;
            using var drain = new CancellationTokenSource(s_drainAfterKill);
            try
            {
                await process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Killed, but a process outside the tree still holds the pipes: the part is over all the same.
            }
        }
        int exitCode = process.HasExited ? process.ExitCode : -1;
        lock (gate)
        {
            console.WriteLine(timedOut
                ? FormattableString.Invariant($"(timed out after {limit.TotalSeconds:0} s: process tree killed, exit code {exitCode})")
                : $"(exit code {exitCode})");
        }
        return new SuiteProcessResult(exitCode, timedOut);
    }
}
