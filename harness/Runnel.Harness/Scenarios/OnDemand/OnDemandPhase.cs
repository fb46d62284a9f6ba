namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>A stretch of constant offered traffic in the <c>on-demand</c> ramp.</summary>
/// <param name="Name">What the phase is, e.g. <c>hold 40 MiB/s</c> or <c>spike</c>.</param>
/// <param name="StartMinute">Its first simulated minute.</param>
/// <param name="Minutes">How long it lasts.</param>
/// <param name="MiBps">The offered write rate, MiB per second.</param>
public sealed record OnDemandPhase(string Name, int StartMinute, int Minutes, double MiBps)
{
    /// <summary>The minute after its last.</summary>
    public int EndMinute => StartMinute + Minutes;

    /// <summary>
    /// The ramp of issue 7 over <paramref name="days"/> simulated days: 1 MiB/s for 70 % and 8 MiB/s for 30 % of the
    /// time less 2 h 45 min, then 40 MiB/s for 1 hour, 100 MiB/s for 1 hour, a spike to 250 MiB/s (2.5x the 100 MiB/s
    /// peak, from one minute to the next) for 30 minutes, and 100 MiB/s for the last 15 minutes. Each step up is
    /// instantaneous, so each one is more than twice the previous peak within 15 minutes.
    /// </summary>
    /// <remarks>
    /// The high-rate phases are short because the engine really copies and checksums every simulated byte (about
    /// 4 GiB of simulated traffic per wall second on a 2-core machine): an hour at 100 MiB/s costs about a minute.
    /// </remarks>
    public static IReadOnlyList<OnDemandPhase> Ramp(int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        (string Name, double MiBps, int Minutes)[] tail = [("hold 40 MiB/s", 40, 60), ("hold 100 MiB/s", 100, 60), ("spike 250 MiB/s", 250, 30), ("back to 100 MiB/s", 100, 15)];
        int low = (days * 24 * 60) - tail.Sum(t => t.Minutes);
        int atOne = (int)Math.Round(low * 0.7);
        var phases = new List<OnDemandPhase> { new("hold 1 MiB/s", 0, atOne, 1), new("hold 8 MiB/s", atOne, low - atOne, 8) };
        int start = low;
        foreach ((string name, double rate, int minutes) in tail)
        {
            phases.Add(new OnDemandPhase(name, start, minutes, rate));
            start += minutes;
        }
        return phases;
    }
}
