using System.Xml.Linq;
using Runnel.Harness.Results;

namespace Runnel.Harness.Tests;

/// <summary>Charts render headless to files that are valid SVG (well-formed XML with an svg root) or PNG (the 8-byte signature).</summary>
public sealed class ResultsChartsTests : IDisposable
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "runnel-charts-" + Guid.NewGuid().ToString("N"));

    public ResultsChartsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("lines.svg")]
    [InlineData("lines.png")]
    public void Lines_KnownSeries_WritesValidChart(string name)
    {
        ChartSeries offered = ChartSeries.Evenly("offered", [1, 1, 3, 3, 3, 3]);
        ChartSeries accepted = ChartSeries.Evenly("accepted", [1, 1, 2, 2, 3, 3]);
        ChartSeries shards = ChartSeries.Evenly("shards", [4, 4, 6, 6, 8, 8]) with { Step = true, Dashed = true };

        string path = Charts.Lines(Path.Combine(_directory, name), "offered vs accepted", "s", "MiB/s", [offered, accepted, shards]);

        AssertValidChart(path, "offered vs accepted");
    }

    [Theory]
    [InlineData("heatmap.svg")]
    [InlineData("heatmap.png")]
    public void Heatmap_ShardsOverTime_WritesValidChart(string name)
    {
        double[,] values = { { 1.0, 1.0, double.NaN }, { 0.2, 0.3, 0.4 }, { double.NaN, 0.5, 0.6 } };

        string path = Charts.Heatmap(Path.Combine(_directory, name), "per shard", "minute", "shard", ["shardId-0", "shardId-1", "shardId-2"], values, "MiB/s");

        AssertValidChart(path, "shardId-1");
    }

    [Theory]
    [InlineData("bars.svg")]
    [InlineData("bars.png")]
    public void Bars_GroupsWithMissingValuesAndTargets_WritesValidChart(string name)
    {
        ChartSeries measured = ChartSeries.Evenly("measured", [1.5, 2.7, double.NaN]);
        ChartSeries target = ChartSeries.Evenly("target", [2.5, 4, 0.9]) with { Dashed = true };

        string path = Charts.Bars(Path.Combine(_directory, name), "ratios", "ratio", ["append", "acks", "scan"], [measured, target]);

        AssertValidChart(path, "acks");
    }

    [Fact]
    public void Bars_SeriesNotMatchingCategories_Throws()
        => Assert.Throws<ArgumentException>(() => Charts.Bars(Path.Combine(_directory, "x.svg"), "t", "y", ["a", "b"], [ChartSeries.Evenly("s", [1.0])]));

    [Fact]
    public void Heatmap_LabelsNotMatchingRows_Throws()
        => Assert.Throws<ArgumentException>(() => Charts.Heatmap(Path.Combine(_directory, "x.svg"), "t", "x", "y", ["only one"], new double[2, 2], "v"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cdf_SamplesAndPercentiles_WritesValidChart(bool logX)
    {
        ChartSeries samples = ChartSeries.Cdf("runnel", Enumerable.Range(1, 5000).Select(i => i * 0.01));
        ChartSeries percentiles = ChartSeries.CdfFromPercentiles("peer", [(120.0, 0.99), (40.0, 0.5), (300.0, 0.999)]);

        string path = Charts.Cdf(Path.Combine(_directory, $"cdf-{logX}.svg"), "latency", "ms", [samples, percentiles], logX);

        AssertValidChart(path, "latency");
    }

    [Fact]
    public void Lines_UnknownExtension_Throws()
        => Assert.Throws<ArgumentException>(() => Charts.Lines(Path.Combine(_directory, "chart.gif"), "t", "x", "y", [ChartSeries.Evenly("a", [1.0])]));

    [Fact]
    public void Cdf_Samples_EndsAtOneAndRisesMonotonically()
    {
        ChartSeries cdf = ChartSeries.Cdf("x", [5, 1, 4, 2, 3, double.NaN], points: 3);

        Assert.Equal([1.0, 3.0, 5.0], cdf.X);
        Assert.Equal([0.2, 0.6, 1.0], cdf.Y);
    }

    private static void AssertValidChart(string path, string expectedText)
    {
        var file = new FileInfo(path);
        Assert.True(file.Exists && file.Length > 1000, $"{path}: {(file.Exists ? file.Length : -1)} bytes");
        if (path.EndsWith(".png", StringComparison.Ordinal))
        {
            byte[] header = new byte[8];
            using FileStream stream = file.OpenRead();
            stream.ReadExactly(header);
            Assert.Equal(s_pngSignature, header);
            return;
        }
        XDocument svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Contains(expectedText, svg.ToString(), StringComparison.Ordinal);
    }
}
