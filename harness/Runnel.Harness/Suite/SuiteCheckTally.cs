using System.Globalization;

namespace Runnel.Harness.Suite;

/// <summary>The checks a part's JSON reports: how many there are and how many passed.</summary>
/// <param name="Passed">Checks that passed.</param>
/// <param name="All">All checks found.</param>
public readonly record struct SuiteCheckTally(int Passed, int All)
{
    /// <summary>Checks that failed.</summary>
    public int Failed => All - Passed;

    /// <summary><c>N of M PASS</c>, or empty when there are no checks.</summary>
    public override string ToString() => All == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{Passed} of {All} PASS");
}
