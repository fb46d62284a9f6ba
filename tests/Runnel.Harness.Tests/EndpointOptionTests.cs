using System.CommandLine;
using Runnel.Harness.Reliability;
using Runnel.Harness.Scenarios.Ceiling;

namespace Runnel.Harness.Tests;

/// <summary><c>--endpoint</c> of ceiling and soak: System.CommandLine cannot parse a Uri by itself (ceiling crashed on it).</summary>
public class EndpointOptionTests
{
    public static TheoryData<string> Commands => new() { "ceiling", "soak" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Parse_HttpUrl_GivesTheUri(string name)
    {
        Command command = Create(name);
        ParseResult parse = command.Parse(["--endpoint", "http://127.0.0.1:4567"]);
        Assert.Empty(parse.Errors);
        Option<Uri?> option = command.Options.OfType<Option<Uri?>>().Single(o => o.Name == "--endpoint");
        Assert.Equal(new Uri("http://127.0.0.1:4567"), parse.GetValue(option));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Parse_NotAUrl_ReportsTheError(string name)
    {
        ParseResult parse = Create(name).Parse(["--endpoint", "localhost"]);
        Assert.Contains(parse.Errors, e => e.Message == "--endpoint must be an http:// or https:// URL, not 'localhost'.");
    }

    private static Command Create(string name) => name == "ceiling" ? CeilingCommand.Create() : SoakCommand.Create();
}
