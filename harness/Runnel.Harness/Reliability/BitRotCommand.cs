using System.CommandLine;

namespace Runnel.Harness.Reliability;

/// <summary>
/// The <c>bit-rot</c> command (issue 9, item 3): runs <see cref="BitRotScenario"/> for many seeds (one flipped bit
/// or one misdirected write each) and tallies where each fault was caught. Exit code 1 when any seed lost or
/// served data silently.
/// </summary>
public static class BitRotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seeds = PowerLossCommand.SeedsOption(20_000);
        var start = PowerLossCommand.StartOption();
        var command = new Command("bit-rot", "One flipped bit or one misdirected write in durable data: every case detected and never served, or harmless")
        {
            seeds, start,
        };
        command.SetAction(parse => PowerLossCommand.RunSeeds("bit-rot", parse.GetValue(start), parse.GetValue(seeds), seed =>
        {
            BitRotScenario.SeedOutcome outcome = BitRotScenario.Run(seed);
            return new PowerLossCommand.SeedReport(outcome.Failure, outcome.Acknowledged, $"{outcome.Fault}: {outcome.Detection}");
        }));
        return command;
    }
}
