using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Runnel.Harness.Reliability;

/// <summary>
/// One <c>runnel serve</c> process of the built CLI (<c>dotnet runnel.dll serve --data DIR --port 0 ...</c>), optionally
/// under a wrapper such as <c>strace</c>. The endpoint is read from the banner; stdout and stderr are kept (and appended
/// to a log file) so that checks can look for the server's log lines.
/// </summary>
internal sealed partial class CrashLoopServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StreamWriter? _logFile;

    private CrashLoopServer(Process process, StreamWriter? logFile)
    {
        _process = process;
        _logFile = logFile;
    }

    /// <summary>The plain endpoint, once <see cref="StartAsync"/> returned.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The process id of the started process (the wrapper's, when there is one).</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The path of the CLI's <c>runnel.dll</c>: <paramref name="explicitPath"/>, or the Release build under the repository.</summary>
    /// <exception cref="FileNotFoundException">No build found.</exception>
    public static string FindServerDll(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--server-dll {explicitPath} does not exist.");
        }
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
            {
                foreach (string configuration in new[] { "Release", "Debug" })
                {
                    string candidate = Path.Combine(directory.FullName, "engine", "Runnel.Cli", "bin", configuration, "net10.0", "runnel.dll");
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
                break;
            }
        }
        throw new FileNotFoundException("runnel.dll not found: build the CLI first (dotnet build engine/Runnel.Cli -c Release) or pass --server-dll.");
    }

    /// <summary>Starts the server and waits until the banner gives its endpoint and /health answers.</summary>
    /// <param name="serverDll">The CLI's dll.</param>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="extraArguments">More <c>serve</c> flags.</param>
    /// <param name="wrapper">A command line to run the server under (for example strace and its flags), or null.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="logPath">A file to append the process's output to, or null.</param>
    /// <param name="timeout">How long to wait for the server to answer.</param>
    /// <exception cref="InvalidOperationException">The server exited or did not answer in time; the message has its output.</exception>
    public static Task<CrashLoopServer> StartAsync(string serverDll, string dataDirectory, IReadOnlyList<string> extraArguments,
        IReadOnlyList<string>? wrapper, IReadOnlyDictionary<string, string>? environment, string? logPath, TimeSpan timeout)
        => StartCoreAsync(serverDll, dataDirectory, extraArguments, wrapper, environment, logPath, timeout, null);

    private static async Task<CrashLoopServer> StartCoreAsync(string serverDll, string dataDirectory, IReadOnlyList<string> extraArguments,
        IReadOnlyList<string>? wrapper, IReadOnlyDictionary<string, string>? environment, string? logPath, TimeSpan timeout, TimeSpan? killAfter)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        List<string> command = [.. wrapper ?? [], "dotnet", serverDll, "serve", "--data", dataDirectory, "--port", "0", "--tls-port", "0",
            "--host", "127.0.0.1", .. extraArguments];
        info.FileName = command[0];
        foreach (string argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("RUNNEL_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name); // only the flags and the given variables count
        }
        info.Environment["DOTNET_TieredPGO"] = "0"; // a shorter start; the loop measures recovery, not peak speed
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        StreamWriter? log = logPath is null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
        log?.WriteLine($"=== {DateTime.UtcNow:O} {string.Join(' ', command)}");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new CrashLoopServer(process, log);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._endpoint.TrySetException(new InvalidOperationException("the server exited before it printed its endpoint"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (killAfter is { } delay)
        {
            await Task.Delay(delay).ConfigureAwait(false);
            return server; // the caller kills it wherever it got to
        }
        try
        {
            server.Endpoint = await server._endpoint.Task.WaitAsync(timeout).ConfigureAwait(false);
            await server.WaitHealthyAsync(timeout).ConfigureAwait(false);
            return server;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            server.Kill();
            server.Dispose();
            throw new InvalidOperationException($"runnel serve did not start ({e.Message}); its output:\n{server.Output}", e);
        }
    }

    /// <summary>
    /// Starts the server and SIGKILLs it after <paramref name="delay"/>, whether or not it has finished opening the
    /// data directory (a crash during recovery); returns whether it had printed its endpoint by then.
    /// </summary>
    public static async Task<bool> StartAndKillAsync(string serverDll, string dataDirectory, IReadOnlyList<string> extraArguments,
        string? logPath, TimeSpan delay)
    {
        var starting = StartCoreAsync(serverDll, dataDirectory, extraArguments, null, null, logPath, TimeSpan.FromMinutes(2), delay);
        using CrashLoopServer server = await starting.ConfigureAwait(false);
        bool listening = server._endpoint.Task.IsCompletedSuccessfully;
        server.Kill();
        return listening;
    }

    /// <summary>SIGKILL, at once, to the started process (and to the server under a wrapper); waits for the exit.</summary>
    public void Kill()
    {
        if (_process.HasExited)
        {
            return;
        }
        foreach (int child in Children(_process.Id))
        {
            TryKill(child); // a tracer that dies detaches its tracee, which would keep running
        }
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.WaitForExit();
    }

    /// <summary>SIGTERM (a clean stop) to the server, waiting up to <paramref name="timeout"/>, then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        List<int> children = Children(_process.Id);
        int target = children.Count > 0 ? children[0] : _process.Id;
        using (Process.Start("kill", ["-TERM", target.ToString(CultureInfo.InvariantCulture)]))
        {
        }
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Waits for a line of output matching <paramref name="pattern"/>; true when seen within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (pattern.IsMatch(Output))
            {
                return true;
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        return pattern.IsMatch(Output);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        _logFile?.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            _logFile?.WriteLine(line);
        }
        Match match = EndpointLine().Match(line);
        if (match.Success)
        {
            _endpoint.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(Endpoint, "health")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (stopwatch.Elapsed < timeout)
            {
                // not listening yet
            }
            if (stopwatch.Elapsed >= timeout)
            {
                throw new TimeoutException("/health did not answer 200");
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static List<int> Children(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                string path = Path.Combine(task, "children");
                if (File.Exists(path))
                {
                    foreach (string id in File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        children.Add(int.Parse(id, CultureInfo.InvariantCulture));
                    }
                }
            }
        }
        catch (IOException)
        {
            // the process is gone
        }
        catch (UnauthorizedAccessException)
        {
            // not ours to read
        }
        return children;
    }

    private static void TryKill(int pid)
    {
        try
        {
            using Process child = Process.GetProcessById(pid);
            child.Kill(entireProcessTree: false);
        }
        catch (ArgumentException)
        {
            // already gone
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    [GeneratedRegex(@"endpoint \(HTTP/1\.1 \+ h2c\)\s+(http://\S+)")]
    private static partial Regex EndpointLine();
}
