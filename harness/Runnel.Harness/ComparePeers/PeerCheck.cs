namespace Runnel.Harness.ComparePeers;

/// <summary>One check of a <c>compare-peers</c> run and whether it held.</summary>
/// <param name="Workload">The workload it is about.</param>
/// <param name="Description">The check as stated, e.g. "runnel write records/s >= 20x kinesalite".</param>
/// <param name="Measured">What was measured against it, e.g. "31.2x".</param>
/// <param name="Passed">Whether it held; null when it could not be measured (a target missing).</param>
/// <param name="Gates">Whether a FAIL makes the run exit with 1 (Runnel's targets); a peer losing records is reported only.</param>
public sealed record PeerCheck(string Workload, string Description, string Measured, bool? Passed, bool Gates)
{
    /// <summary>PASS, FAIL or N/A.</summary>
    public string Verdict => Passed switch
    {
        true => "PASS",
        false => "FAIL",
        null => "N/A",
    };
}
