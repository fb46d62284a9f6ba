using Runnel.Fuzz.Targets;

namespace Runnel.Server.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>sigv4</c> (fuzz/corpus/sigv4 and fuzz/regressions/sigv4) through the
/// target's contract: true with a complete value, or false, never an exception.
/// </summary>
public class SigV4CorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("sigv4")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SigV4AuthorizationTryParse_CommittedInput_KeepsContract(string input) => SigV4Target.Run(CorpusFiles.Read(input));
}
