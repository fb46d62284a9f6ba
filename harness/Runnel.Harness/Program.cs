using System.CommandLine;
using Runnel.Harness.CompareLog;

namespace Runnel.Harness;

/// <summary>The harness's entry point: <c>dotnet run -c Release --project harness/Runnel.Harness -- compare-log [--quick] [--json FILE]</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen scenario.</summary>
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Runnel harness: scenarios and comparisons")
        {
            CompareLogCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
