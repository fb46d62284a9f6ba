namespace Runnel.Harness.Results;

/// <summary>One line of a chart: a name for the legend and its points.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="X">X values, in order.</param>
/// <param name="Y">Y values, one per X.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>Draw as steps (a value holds until the next point): counts such as shards.</summary>
    public bool Step { get; init; }

    /// <summary>Draw dashed: limits and targets rather than measurements.</summary>
    public bool Dashed { get; init; }

    /// <summary>A series of <paramref name="y"/> at X = <paramref name="start"/>, <paramref name="start"/> + <paramref name="step"/>, ...</summary>
    public static ChartSeries Evenly(string name, IReadOnlyList<double> y, double start = 0, double step = 1)
    {
        ArgumentNullException.ThrowIfNull(y);
        return new ChartSeries(name, [.. Enumerable.Range(0, y.Count).Select(i => start + (i * step))], y);
    }

    /// <summary>
    /// The empirical CDF of <paramref name="samples"/>: X the value, Y the fraction of samples at or below it, thinned
    /// to at most <paramref name="points"/> points (the minimum and the maximum always kept).
    /// </summary>
    public static ChartSeries Cdf(string name, IEnumerable<double> samples, int points = 1000)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        double[] sorted = [.. samples.Where(double.IsFinite).Order()];
        if (sorted.Length == 0)
        {
            return new ChartSeries(name, [], []);
        }
        int count = Math.Min(points, sorted.Length);
        var x = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            int index = count == 1 ? sorted.Length - 1 : (int)Math.Round((double)i * (sorted.Length - 1) / (count - 1));
            x[i] = sorted[index];
            y[i] = (index + 1.0) / sorted.Length;
        }
        return new ChartSeries(name, x, y) { Step = true };
    }

    /// <summary>A CDF known only at some percentiles: (value, fraction) pairs such as (p50, 0.5), (p99, 0.99).</summary>
    public static ChartSeries CdfFromPercentiles(string name, IEnumerable<(double Value, double Fraction)> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        var ordered = percentiles.OrderBy(p => p.Fraction).ToList();
        return new ChartSeries(name, [.. ordered.Select(p => p.Value)], [.. ordered.Select(p => p.Fraction)]);
    }
}
