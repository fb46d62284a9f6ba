using System.Text.Json;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Results;

/// <summary>
/// A run directory: <c>perf-results/runs/&lt;yyyy-mm-dd&gt;_&lt;sha7&gt;_&lt;machine&gt;-&lt;scenario&gt;/</c> (or the <c>--out</c> folder)
/// holding <c>params.json</c>, <c>env.json</c>, the scenario's JSON, <c>summary.md</c> and <c>charts/</c>.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>The folder of chart files inside a run directory.</summary>
    public const string ChartsFolder = "charts";

    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private RunDirectory(string path, string scenario, RunEnvironment environment)
    {
        Path = path;
        Scenario = scenario;
        Environment = environment;
    }

    /// <summary>The directory (absolute).</summary>
    public string Path { get; }

    /// <summary>The scenario or suite name.</summary>
    public string Scenario { get; }

    /// <summary>The environment captured when the directory was created.</summary>
    public RunEnvironment Environment { get; }

    /// <summary>The default directory name: <c>&lt;yyyy-mm-dd&gt;_&lt;sha7&gt;_&lt;machine&gt;-&lt;scenario&gt;</c>.</summary>
    public static string DefaultName(RunEnvironment environment, string scenario)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return $"{environment.StartedUtc.UtcDateTime:yyyy-MM-dd}_{environment.ShortSha}_{environment.Machine}-{scenario}";
    }

    /// <summary>
    /// Creates the run directory of <paramref name="scenario"/> and writes <c>env.json</c> and <c>params.json</c>.
    /// Without <paramref name="outDirectory"/> it goes under <c>perf-results/runs</c> of the git checkout holding
    /// <paramref name="workingDirectory"/> (the current directory by default, then the harness's own checkout), with a <c>-2</c>, <c>-3</c> ... suffix when
    /// the name is taken; with it, exactly there.
    /// </summary>
    public static RunDirectory Create(string scenario, string? outDirectory, IReadOnlyDictionary<string, object?> parameters, string? workingDirectory = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scenario);
        ArgumentNullException.ThrowIfNull(parameters);
        string cwd = workingDirectory ?? Directory.GetCurrentDirectory();
        // The checkout the harness was built from when the current directory is outside any (dotnet run --project from
        // elsewhere); a working directory given explicitly is taken as it is.
        string? repository = RunEnvironment.FindRepository(cwd) ?? (workingDirectory is null ? RunEnvironment.FindRepository(AppContext.BaseDirectory) : null);
        RunEnvironment environment = RunEnvironment.Capture(repository, time);
        string path;
        if (outDirectory is not null)
        {
            path = System.IO.Path.GetFullPath(outDirectory, cwd);
        }
        else
        {
            string runs = System.IO.Path.Combine(repository ?? cwd, "perf-results", "runs");
            string name = DefaultName(environment, scenario);
            path = System.IO.Path.Combine(runs, name);
            for (int n = 2; Directory.Exists(path); n++)
            {
                path = System.IO.Path.Combine(runs, $"{name}-{n}");
            }
        }
        Directory.CreateDirectory(path);
        var run = new RunDirectory(path, scenario, environment);
        run.WriteJson("env.json", environment);
        run.WriteJson("params.json", new RunParameters(scenario, System.Environment.GetCommandLineArgs().Skip(1).ToList(), parameters));
        return run;
    }

    /// <summary>The absolute path of <paramref name="name"/> inside the directory (sub-folders created).</summary>
    public string File(string name)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>The path of chart <paramref name="name"/> (e.g. <c>throughput.svg</c>) in <c>charts/</c>.</summary>
    public string Chart(string name) => File(System.IO.Path.Combine(ChartsFolder, name));

    /// <summary>Writes <paramref name="value"/> as indented camelCase JSON to <paramref name="name"/>.</summary>
    public string WriteJson<T>(string name, T value)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, JsonSerializer.Serialize(value, s_options) + "\n");
        return path;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/>.</summary>
    public string WriteText(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <c>summary.md</c>: a header naming the run (commit, machine, command), then <paramref name="summary"/>.</summary>
    public string WriteSummary(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        RunEnvironment e = Environment;
        string dirty = e.GitDirty switch { true => " (dirty)", false => "", null => " (dirty: unknown)" };
        string header =
            $"# {Scenario}, {e.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm} UTC\n\n" +
            $"- Commit: {e.ShortSha}{dirty}; machine {e.Machine} ({e.CpuModel}, {e.Cores} cores, {ScenarioFormat.Number(e.MemoryGiB, 1)} GiB, {e.Os}); {e.Runtime}; load average {e.LoadAverage} at start\n" +
            $"- Command: `{string.Join(' ', System.Environment.GetCommandLineArgs().Skip(1).Select(Quote))}`\n\n";
        return WriteText("summary.md", header + summary.ToMarkdown());
    }

    private static string Quote(string argument) => argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '*') ? argument : $"'{argument}'";

    private sealed record RunParameters(string Scenario, IReadOnlyList<string> CommandLine, IReadOnlyDictionary<string, object?> Options);
}
