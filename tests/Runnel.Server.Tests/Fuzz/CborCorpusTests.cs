using Runnel.Fuzz.Targets;
using Runnel.Protocol;

namespace Runnel.Server.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>cbor</c> (fuzz/corpus/cbor and fuzz/regressions/cbor) through the
/// target's contract: a request body or ProtocolException, whatever member is read as whatever type.
/// </summary>
public class CborCorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("cbor")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CborRequestDecoder_CommittedInput_KeepsContract(string input) => WireTarget.Run(CorpusFiles.Read(input), WireFormat.Cbor);
}
