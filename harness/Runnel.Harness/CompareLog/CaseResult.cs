namespace Runnel.Harness.CompareLog;

/// <summary>One case of <c>compare-log</c>: both engines' median rounds, the ratio, and the targets.</summary>
public sealed record CaseResult
{
    /// <summary>The case name (<see cref="CaseNames"/>).</summary>
    public required string Name { get; init; }

    /// <summary>"MB/s" (10^6 bytes of record data per second) or "records/s".</summary>
    public required string Unit { get; init; }

    /// <summary>What the case does, in a line.</summary>
    public required string Description { get; init; }

    /// <summary>Runnel's median round.</summary>
    public required EngineMeasurement Runnel { get; init; }

    /// <summary>FasterLog's median round.</summary>
    public required EngineMeasurement FasterLog { get; init; }

    /// <summary>Runnel's value of every round, in order.</summary>
    public required IReadOnlyList<double> RunnelRounds { get; init; }

    /// <summary>FasterLog's value of every round, in order.</summary>
    public required IReadOnlyList<double> FasterLogRounds { get; init; }

    /// <summary>The targets, checked.</summary>
    public required IReadOnlyList<TargetCheck> Targets { get; init; }

    /// <summary>Anything that qualifies the numbers (a warm scan, say); null when nothing does.</summary>
    public string? Note { get; init; }

    /// <summary>Why the case did not finish (an engine round passed its deadline); null when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Runnel's value in <see cref="Unit"/>.</summary>
    public double RunnelValue => ValueOf(Runnel, Unit);

    /// <summary>FasterLog's value in <see cref="Unit"/>.</summary>
    public double FasterLogValue => ValueOf(FasterLog, Unit);

    /// <summary>Runnel / FasterLog.</summary>
    public double Ratio => FasterLogValue > 0 ? RunnelValue / FasterLogValue : double.NaN;

    /// <summary>PASS when every target passed, FAIL when one failed, N/A when one could not be measured and none failed.</summary>
    public string Verdict => Targets.Any(t => t.Passed == false) ? "FAIL" : Targets.Any(t => t.Passed is null) ? "N/A" : "PASS";

    /// <summary>A case that did not finish: no figures, one failed target that says why.</summary>
    public static CaseResult DidNotFinish(string name, string unit, string error)
    {
        EngineMeasurement none = EngineMeasurement.Create(0, 0, 0, 0, latency: null);
        return new CaseResult
        {
            Name = name,
            Unit = unit,
            Description = "did not finish",
            Runnel = none,
            FasterLog = none,
            RunnelRounds = [],
            FasterLogRounds = [],
            Targets = [new TargetCheck("finished within the deadline", "no", false)],
            Note = error,
            Error = error,
        };
    }

    /// <summary>The value of <paramref name="measurement"/> in <paramref name="unit"/>.</summary>
    public static double ValueOf(EngineMeasurement measurement, string unit) =>
        unit == Units.MegabytesPerSecond ? measurement.PayloadMegabytesPerSecond : measurement.RecordsPerSecond;
}
