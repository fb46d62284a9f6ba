using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Runnel.Server;

namespace Runnel.Harness.Reliability;

/// <summary>
/// A Runnel server in a child process of the harness (<see cref="HostileServeCommand"/>), so that its resident memory
/// is its own and the attacks and load reach it through real loopback sockets. Captures the child's log lines and
/// counts those at error level or above; closing the child's standard input stops it.
/// </summary>
public sealed class HostileServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _errorLines = [];
    private readonly string _dataDirectory;

    private HostileServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The plain endpoint (HTTP/1.1 and h2c).</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The server's managed heap (GC.GetTotalMemory) at its last report, in MiB.</summary>
    public double ManagedHeapMiB { get; private set; }

    /// <summary>The bytes the server's GC had committed at its last report, in MiB.</summary>
    public double GcCommittedMiB { get; private set; }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Log lines at error or critical level ("fail:", "crit:") written by the server so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _errorLines];
            }
        }
    }

    /// <summary>Starts the server over a new temporary data directory and waits until it listens.</summary>
    public static async Task<HostileServerProcess> StartAsync(TransportLimits limits, bool streamLimits, CancellationToken cancellationToken = default)
    {
        string data = Path.Combine(Path.GetTempPath(), "runnel-reliability-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.FileName = self;
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        else
        {
            start.FileName = self;
        }
        start.ArgumentList.Add("reliability-serve");
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(data);
        foreach (string argument in HostileServeCommand.Arguments(limits, streamLimits))
        {
            start.ArgumentList.Add(argument);
        }
        // The harness runs with server GC for throughput work; the server runs as `runnel serve` does (workstation,
        // concurrent), which is what its memory figures must describe.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "1";
        Process process = Process.Start(start) ?? throw new InvalidOperationException("the server process did not start");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new HostileServerProcess(process, data);
        var lines = new List<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException("the server exited before listening:\n" + string.Join('\n', lines)));
                return;
            }
            if (line.StartsWith(HostileServeCommand.GcPrefix, StringComparison.Ordinal))
            {
                string[] parts = line[HostileServeCommand.GcPrefix.Length..].Split(' ');
                if (parts.Length == 2
                    && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double heap)
                    && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double committed))
                {
                    server.ManagedHeapMiB = heap;
                    server.GcCommittedMiB = committed;
                }
                return;
            }
            if (line.StartsWith(HostileServeCommand.ListeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line[HostileServeCommand.ListeningPrefix.Length..]));
                return;
            }
            lock (server._lock)
            {
                if (lines.Count < 200)
                {
                    lines.Add(line);
                }
                if (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
                {
                    server._errorLines.Add(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                OnLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Whether the child is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The child's resident set (VmRSS) in bytes, or 0 when it cannot be read.</summary>
    public long ResidentBytes() => ReadStatus("VmRSS:");

    /// <summary>The child's peak resident set (VmHWM) in bytes, or 0.</summary>
    public long PeakResidentBytes() => ReadStatus("VmHWM:");

    /// <summary>The number of open file descriptors of the child (sockets included), or -1.</summary>
    public int OpenDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd").Length;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private long ReadStatus(string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    string kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>Stops the child (end of its standard input, then a kill after 15 s) and removes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
