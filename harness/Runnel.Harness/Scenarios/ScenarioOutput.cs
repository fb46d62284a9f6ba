using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios;

/// <summary>
/// The end every scenario command shares: print its tables and its PASS/FAIL line, write the JSON (with
/// <c>--json</c>) and the run directory, say where it is, print the wall time, and give the exit code (a failed check is
/// <see cref="HarnessExitCode.ChecksFailed"/>, after everything was written).
/// </summary>
public static class ScenarioOutput
{
    /// <summary>Prints and writes a finished scenario's results.</summary>
    /// <param name="output">Where the text goes (the console).</param>
    /// <param name="label">The scenario's name in the closing lines, e.g. <c>on-demand mode switches</c>.</param>
    /// <param name="tables">The results as text, printed as they are (leading blank lines included).</param>
    /// <param name="passed">Whether every check passed: the exit code, and the <c>label: all checks PASS</c> line unless <paramref name="printVerdict"/> is false (the tables already say it).</param>
    /// <param name="json">What <c>--json</c> writes.</param>
    /// <param name="jsonPath">The <c>--json</c> file; null for none.</param>
    /// <param name="run">The run directory.</param>
    /// <param name="writeRun">Writes the scenario's files (JSON, charts, summary.md) into <paramref name="run"/>.</param>
    /// <param name="elapsed">The scenario's wall time.</param>
    /// <param name="printVerdict">Print the PASS/FAIL line (false when <paramref name="tables"/> ends with it).</param>
    /// <returns>The command's exit code: <see cref="HarnessExitCode.Ok"/>, or <see cref="HarnessExitCode.ChecksFailed"/> when a check failed.</returns>
    public static int Finish<T>(TextWriter output, string label, string tables, bool passed, T json, string? jsonPath, RunDirectory run,
        Action<RunDirectory> writeRun, TimeSpan elapsed, bool printVerdict = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeRun);
        output.Write(tables);
        if (printVerdict)
        {
            output.WriteLine(passed ? $"{label}: all checks PASS" : $"{label}: some checks FAIL");
        }
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, json);
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        writeRun(run);
        RunOptions.Announce(output, run);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label} took {elapsed.TotalSeconds:0.0} s of wall time"));
        return passed ? HarnessExitCode.Ok : HarnessExitCode.ChecksFailed;
    }
}
