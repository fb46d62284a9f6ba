namespace Runnel.Harness.ComparePeers;

/// <summary>Every target's result in one workload, in run order.</summary>
public sealed record WorkloadResult(PeerWorkload Workload, IReadOnlyList<PeerResult> Targets)
{
    /// <summary>The target named <paramref name="name"/>, when it was measured.</summary>
    public PeerMeasurement? MeasurementOf(string name)
    {
        foreach (PeerResult target in Targets)
        {
            if (target.Name == name)
            {
                return target.Measurement;
            }
        }
        return null;
    }
}
