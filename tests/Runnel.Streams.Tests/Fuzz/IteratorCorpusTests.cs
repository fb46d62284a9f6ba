using Runnel.Fuzz.Targets;

namespace Runnel.Streams.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>iterator</c> (fuzz/corpus/iterator and fuzz/regressions/iterator) through the
/// target's contract: a token or false, as text, re-signed, and as a raw payload.
/// </summary>
public class IteratorCorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("iterator")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TokenDecoders_CommittedInput_KeepsContract(string input) => IteratorTarget.Run(CorpusFiles.Read(input));
}
