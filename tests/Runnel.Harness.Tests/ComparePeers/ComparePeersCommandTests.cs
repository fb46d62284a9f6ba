using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The command's <c>--targets</c> and <c>--workloads</c> lists.</summary>
public class ComparePeersCommandTests
{
    [Fact]
    public void ParseTargets_AnyOrderAndSpaces_GivesRunOrder() =>
        Assert.Equal(["runnel", "kinesalite"], ComparePeersCommand.ParseTargets(" kinesalite , runnel"));

    [Theory]
    [InlineData("")]
    [InlineData("runnel,localstack")]
    public void ParseTargets_EmptyOrUnknown_IsNull(string text) => Assert.Null(ComparePeersCommand.ParseTargets(text));

    [Fact]
    public void ParseWorkloads_NoneGiven_IsAll() => Assert.Equal(PeerWorkload.All, ComparePeersCommand.ParseWorkloads(null));

    [Fact]
    public void ParseWorkloads_OneNamed_IsThatOne() =>
        Assert.Equal([PeerWorkload.Batch10], ComparePeersCommand.ParseWorkloads("putrecords-10x1k"));

    [Fact]
    public void ParseWorkloads_Unknown_IsNull() => Assert.Null(ComparePeersCommand.ParseWorkloads("putrecords-1x1m"));
}
