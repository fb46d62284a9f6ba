using Runnel.Fuzz.Targets;
using Runnel.Protocol;

namespace Runnel.Server.Tests.Fuzz;

/// <summary>
/// Replays every committed input of the fuzz target <c>json</c> (fuzz/corpus/json and fuzz/regressions/json) through the
/// target's contract: a request body or ProtocolException, whatever member is read as whatever type.
/// </summary>
public class JsonCorpusTests
{
    public static TheoryData<string> Inputs => [.. CorpusFiles.For("json")];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void JsonRequestDecoder_CommittedInput_KeepsContract(string input) => WireTarget.Run(CorpusFiles.Read(input), WireFormat.Json);
}
