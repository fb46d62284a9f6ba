using Runnel.Fuzz.Targets;

namespace Runnel.Server.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>eventstream</c> (fuzz/corpus/eventstream and fuzz/regressions/eventstream) through the
/// target's contract: messages, false or InvalidDataException, with and without repaired CRCs.
/// </summary>
public class EventStreamCorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("eventstream")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EventStreamDecoder_CommittedInput_KeepsContract(string input) => EventStreamTarget.Run(CorpusFiles.Read(input));
}
