using System.Globalization;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// The targets of issue 6 item 4 for one workload: Runnel writes at least 20x and reads at least 10x the records/s of
/// kinesalite, with a put p99 at most a tenth of kinesalite's; Runnel fails nothing; every target's read-back finds
/// exactly what it acknowledged (only Runnel's gates the exit code: a peer that loses records is reported).
/// </summary>
public static class PeerTargets
{
    /// <summary>Runnel's write records/s over kinesalite's, at least.</summary>
    public const double WriteRatio = 20;

    /// <summary>Runnel's read records/s over kinesalite's, at least.</summary>
    public const double ReadRatio = 10;

    /// <summary>kinesalite's p99 over Runnel's, at least.</summary>
    public const double LatencyRatio = 10;

    /// <summary>The checks of <paramref name="result"/>, in print order.</summary>
    public static IReadOnlyList<PeerCheck> Evaluate(WorkloadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string workload = result.Workload.Name;
        var checks = new List<PeerCheck>();
        foreach (PeerResult target in result.Targets)
        {
            bool gates = target.Name == PeerNames.Runnel;
            string description = $"{target.Name} read back == acknowledged";
            if (target.Measurement is not PeerMeasurement m)
            {
                // A missing peer is reported (N/A); Runnel missing is a failure of the run.
                checks.Add(new PeerCheck(workload, description, "missing", gates ? false : null, gates));
                continue;
            }
            string measured = string.Create(CultureInfo.InvariantCulture, $"{m.ReadRecords} of {m.AcknowledgedRecords}")
                + (m.ReadError is null ? "" : " (" + m.ReadError + ")");
            checks.Add(new PeerCheck(workload, description, measured, m.ReadMatchesAcknowledged, gates));
        }

        PeerMeasurement? runnel = result.MeasurementOf(PeerNames.Runnel);
        if (runnel is not null)
        {
            checks.Add(new PeerCheck(workload, "runnel failures == 0",
                string.Create(CultureInfo.InvariantCulture, $"{runnel.FailedCalls} calls, {runnel.FailedRecords} records"), runnel.Failures == 0, true));
        }
        PeerMeasurement? kinesalite = result.MeasurementOf(PeerNames.Kinesalite);
        checks.Add(Ratio(workload, $"runnel write records/s >= {WriteRatio:0}x kinesalite", runnel?.WriteRecordsPerSecond, kinesalite?.WriteRecordsPerSecond, WriteRatio));
        checks.Add(Ratio(workload, $"runnel read records/s >= {ReadRatio:0}x kinesalite", runnel?.ReadRecordsPerSecond, kinesalite?.ReadRecordsPerSecond, ReadRatio));
        checks.Add(Ratio(workload, $"runnel p99 <= kinesalite p99 / {LatencyRatio:0}", kinesalite?.P99Milliseconds, runnel?.P99Milliseconds, LatencyRatio));
        return checks;
    }

    /// <summary>
    /// How many times better Runnel is than a peer: <paramref name="better"/> / <paramref name="worse"/>; null when
    /// either is missing or the divisor is not positive (a peer that measured nothing gives no ratio).
    /// </summary>
    public static double? Times(double? better, double? worse) =>
        better is double b && worse is double w && w > 0 ? Math.Max(0, b) / w : null;

    private static PeerCheck Ratio(string workload, string description, double? better, double? worse, double target)
    {
        if (better is null || worse is null)
        {
            return new PeerCheck(workload, description, "missing", null, true);
        }
        if (Times(better, worse) is not double ratio)
        {
            return new PeerCheck(workload, description, "nothing measured", null, true);
        }
        return new PeerCheck(workload, description, string.Create(CultureInfo.InvariantCulture, $"{ratio:0.0}x"), ratio >= target, true);
    }
}
