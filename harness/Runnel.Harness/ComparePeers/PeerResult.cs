namespace Runnel.Harness.ComparePeers;

/// <summary>One target in one workload: its measurement, or why it is missing (not installed, did not start, failed).</summary>
/// <param name="Name">The target (<see cref="PeerNames"/>).</param>
/// <param name="Version">What ran, e.g. <c>kinesalite 3.3.3 (memdown)</c>.</param>
/// <param name="Measurement">The figures; null when the target is missing.</param>
/// <param name="MissingReason">Why there are no figures; null when there are.</param>
public sealed record PeerResult(string Name, string Version, PeerMeasurement? Measurement, string? MissingReason)
{
    /// <summary>A target with figures.</summary>
    public static PeerResult Measured(string name, string version, PeerMeasurement measurement) => new(name, version, measurement, null);

    /// <summary>A target that could not be measured.</summary>
    public static PeerResult Missing(string name, string version, string reason) => new(name, version, null, reason);
}
