namespace Runnel.Harness.Suite;

/// <summary>Which program runs a <see cref="SuitePart"/>.</summary>
public enum SuiteProgram
{
    /// <summary>This harness, as a child process (one subcommand).</summary>
    Harness,

    /// <summary>The BenchmarkDotNet project, through <c>dotnet run -c Release --project harness/Runnel.Benchmarks</c>.</summary>
    Benchmarks,

    /// <summary><c>dotnet build -c Release</c> of a project the later parts start (the CLI's <c>runnel serve</c>).</summary>
    Build,
}

/// <summary>One part of the <c>suite</c>: a child process whose output goes to its own folder of the suite's run directory.</summary>
/// <param name="Name">The part's name, also its folder (e.g. <c>shard-limits</c>).</param>
/// <param name="Program">What runs it.</param>
/// <param name="Arguments">Its arguments (after <c>--</c> for the benchmarks), paths already inside the part's folder.</param>
/// <param name="Budget">Its wall-time limit: past it the suite kills its process tree and reports it as timed out.</param>
/// <param name="Optional">A part another change adds (compare-peers, ceiling): run when the harness has the subcommand, else listed as not available.</param>
public sealed record SuitePart(string Name, SuiteProgram Program, IReadOnlyList<string> Arguments, TimeSpan Budget, bool Optional = false)
{
    /// <summary>Why this mode does not run the part (listed in the summary, not a failure); null when it runs.</summary>
    public string? SkippedBecause { get; init; }

    /// <summary>The command line as a user would type it from the repository root.</summary>
    public string CommandLine => Program switch
    {
        SuiteProgram.Benchmarks => "dotnet run -c Release --project harness/Runnel.Benchmarks -- " + string.Join(' ', Arguments.Select(Quote)),
        SuiteProgram.Build => "dotnet build -c Release " + string.Join(' ', Arguments.Select(Quote)),
        _ => "dotnet run -c Release --project harness/Runnel.Harness -- " + string.Join(' ', Arguments.Select(Quote)),
    };

    private static string Quote(string argument) => argument.Any(c => char.IsWhiteSpace(c) || c is '*' or '\'') ? $"'{argument}'" : argument;
}
