namespace Runnel.Harness.Scenarios;

/// <summary>One check of a scenario: the rule, what was measured, and whether it held.</summary>
/// <param name="Name">Short name of the check.</param>
/// <param name="Rule">The rule as kinesis-api.md or issue 7 states it.</param>
/// <param name="Measured">What the run showed.</param>
/// <param name="Passed">Whether the rule held.</param>
public sealed record ScenarioCheck(string Name, string Rule, string Measured, bool Passed)
{
    /// <summary>PASS or FAIL.</summary>
    public string Verdict => Passed ? "PASS" : "FAIL";
}
