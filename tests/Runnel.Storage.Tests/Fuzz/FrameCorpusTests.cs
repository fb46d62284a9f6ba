using Runnel.Fuzz.Targets;

namespace Runnel.Storage.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>frame</c> (fuzz/corpus/frame and fuzz/regressions/frame) through the
/// target's contract: a FrameStatus or false, never an exception, and every valid frame re-encodes to the same bytes.
/// </summary>
public class FrameCorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("frame")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SegmentBufferDecoders_CommittedInput_KeepsContract(string input) => FrameTarget.Run(CorpusFiles.Read(input));
}
