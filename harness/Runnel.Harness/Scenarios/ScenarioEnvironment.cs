using System.Runtime.InteropServices;

namespace Runnel.Harness.Scenarios;

/// <summary>Where a scenario ran: enough to tell runs apart (simulated time makes the numbers machine-independent).</summary>
/// <param name="Machine">Host name.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="Os">Operating system description.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="WallSeconds">Wall time of the run.</param>
public sealed record ScenarioEnvironment(string Machine, int Cores, string Os, string Runtime, double WallSeconds)
{
    /// <summary>This process's environment, with the wall time of the run.</summary>
    public static ScenarioEnvironment Current(TimeSpan wall)
        => new(Environment.MachineName, Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, Math.Round(wall.TotalSeconds, 1));
}
