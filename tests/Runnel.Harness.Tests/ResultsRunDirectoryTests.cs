using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Runnel.Harness.Results;

namespace Runnel.Harness.Tests;

/// <summary>Run directories: the default name and place, env.json's git state, params.json, summary.md, on a temporary folder.</summary>
public sealed class ResultsRunDirectoryTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 26, 17, 30, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "runnel-rundir-" + Guid.NewGuid().ToString("N"));

    public ResultsRunDirectoryTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Create_InGitCheckout_NamesDirectoryByDateShaMachineAndScenario()
    {
        string sha = InitRepository();

        RunDirectory run = RunDirectory.Create("hot-shard", null, new Dictionary<string, object?> { ["minutes"] = 20 }, _directory, new FakeTimeProvider(s_start));

        string expected = Path.Combine(_directory, "perf-results", "runs", $"2026-11-26_{sha[..7]}_{run.Environment.Machine}-hot-shard");
        Assert.Equal(expected, run.Path);
        Assert.Equal(sha, run.Environment.GitSha);
        Assert.False(run.Environment.GitDirty);
        Assert.True(File.Exists(Path.Combine(run.Path, "env.json")));
        Assert.True(File.Exists(Path.Combine(run.Path, "params.json")));
    }

    [Fact]
    public void Create_TrackedFileChanged_RecordsDirty()
    {
        InitRepository();
        File.AppendAllText(Path.Combine(_directory, "tracked.txt"), "changed\n");

        RunDirectory run = RunDirectory.Create("cost", Path.Combine(_directory, "out"), new Dictionary<string, object?>(), _directory);

        Assert.True(run.Environment.GitDirty);
    }

    [Fact]
    public void Create_NameTaken_AddsSuffix()
    {
        RunDirectory first = RunDirectory.Create("suite", null, new Dictionary<string, object?>(), _directory, new FakeTimeProvider(s_start));
        RunDirectory second = RunDirectory.Create("suite", null, new Dictionary<string, object?>(), _directory, new FakeTimeProvider(s_start));

        Assert.EndsWith("_unknown_" + first.Environment.Machine + "-suite", first.Path, StringComparison.Ordinal);
        Assert.Equal(first.Path + "-2", second.Path);
    }

    [Fact]
    public void Create_OutGiven_WritesThereWithEnvAndParams()
    {
        string outDirectory = Path.Combine(_directory, "my-run");

        RunDirectory run = RunDirectory.Create("shard-limits", outDirectory, new Dictionary<string, object?> { ["seconds"] = 60 }, _directory);

        Assert.Equal(outDirectory, run.Path);
        using JsonDocument env = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "env.json")));
        Assert.Equal(Environment.ProcessorCount, env.RootElement.GetProperty("cores").GetInt32());
        Assert.Equal("unknown", env.RootElement.GetProperty("gitSha").GetString());
        Assert.False(string.IsNullOrEmpty(env.RootElement.GetProperty("cpuModel").GetString()));
        Assert.False(string.IsNullOrEmpty(env.RootElement.GetProperty("runtime").GetString()));
        using JsonDocument parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDirectory, "params.json")));
        Assert.Equal("shard-limits", parameters.RootElement.GetProperty("scenario").GetString());
        Assert.Equal(60, parameters.RootElement.GetProperty("options").GetProperty("seconds").GetInt32());
        Assert.Equal(JsonValueKind.Array, parameters.RootElement.GetProperty("commandLine").ValueKind);
    }

    [Theory]
    [InlineData(null, 2, "dev-2core")]
    [InlineData("", 8, "dev-8core")]
    [InlineData(" ci-4core ", 4, "ci-4core")]
    public void MachineName_FromVariableElseCores(string? configured, int cores, string expected)
        => Assert.Equal(expected, RunEnvironment.MachineName(configured, cores));

    [Fact]
    public void WriteSummary_TablesAndImages_WritesHeaderThenBody()
    {
        RunDirectory run = RunDirectory.Create("shard-limits", Path.Combine(_directory, "s"), new Dictionary<string, object?>(), _directory);
        var summary = new RunSummary()
            .Heading("Cases")
            .Table(["case", ">MiB/s"], [["a|b", "1.5"]])
            .Image("chart", "charts/a.svg");

        string text = File.ReadAllText(run.WriteSummary(summary));

        Assert.StartsWith("# shard-limits, ", text, StringComparison.Ordinal);
        Assert.Contains("- Commit: unknown", text, StringComparison.Ordinal);
        Assert.Contains("| case | MiB/s |\n|---|--:|\n| a\\|b | 1.5 |", text, StringComparison.Ordinal);
        Assert.Contains("![chart](charts/a.svg)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownTable_RowOfWrongWidth_Throws()
        => Assert.Throws<ArgumentException>(() => RunSummary.MarkdownTable(["a", "b"], [["only one"]]));

    private string InitRepository()
    {
        Git("init -q");
        File.WriteAllText(Path.Combine(_directory, "tracked.txt"), "hello\n");
        Git("add tracked.txt");
        Git("-c user.email=t@example.com -c user.name=t commit -q -m init");
        return Git("rev-parse HEAD").Trim();
    }

    private string Git(string arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = _directory, RedirectStandardOutput = true, UseShellExecute = false };
        using Process git = Process.Start(start)!;
        string output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return output;
    }
}
