using ScottPlot;

namespace Runnel.Harness.Results;

/// <summary>
/// Charts for run directories, drawn with ScottPlot (headless, SkiaSharp). The file's extension picks the format:
/// <c>.svg</c> (the default in run directories: small, diffable) or <c>.png</c>. Each method returns the path written.
/// </summary>
public static class Charts
{
    /// <summary>Width of a chart in pixels.</summary>
    public const int Width = 960;

    /// <summary>Height of a chart in pixels.</summary>
    public const int Height = 520;

    /// <summary>Lines over a shared X axis, e.g. offered and accepted MiB/s over time; the Y axis starts at 0 unless a value is negative.</summary>
    public static string Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Plot plot = NewPlot(title, xLabel, yLabel);
        AddLines(plot, series, logX: false);
        double min = series.SelectMany(s => s.Y).DefaultIfEmpty(0).Min();
        double max = series.SelectMany(s => s.Y).DefaultIfEmpty(1).Max();
        plot.Axes.AutoScale();
        if (min >= 0)
        {
            plot.Axes.SetLimitsY(0, max > 0 ? max * 1.08 : 1);
        }
        return Save(plot, path);
    }

    /// <summary>
    /// A heatmap: one row per label (drawn top to bottom in the order given), one column per X step from
    /// <paramref name="xStart"/> by <paramref name="xStep"/>; <c>values[row, column]</c>, NaN where there is no value
    /// (a shard not open then). The colour bar is labelled <paramref name="valueLabel"/>.
    /// </summary>
    public static string Heatmap(string path, string title, string xLabel, string yLabel, IReadOnlyList<string> rowLabels, double[,] values, string valueLabel, double xStart = 0, double xStep = 1)
    {
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rows != rowLabels.Count || rows == 0 || columns == 0)
        {
            throw new ArgumentException($"A heatmap needs one label per row and at least one cell: {rowLabels.Count} labels, {rows} x {columns} values.", nameof(values));
        }
        Plot plot = NewPlot(title, xLabel, yLabel);
        ScottPlot.Plottables.Heatmap map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // Row r is drawn centred on y = rows - 1 - r, so the first label is at the top.
        map.Position = new CoordinateRect(xStart, xStart + (xStep * (columns - 1)), 0, rows - 1);
        ScottPlot.Panels.ColorBar bar = plot.Add.ColorBar(map);
        bar.Label = valueLabel;
        int every = Math.Max(1, (int)Math.Ceiling(rows / 24.0));
        var ticks = Enumerable.Range(0, rows).Where(r => r % every == 0).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. ticks.Select(r => (double)(rows - 1 - r))], [.. ticks.Select(r => rowLabels[r])]);
        plot.Axes.SetLimits(xStart - (xStep / 2), xStart + (xStep * (columns - 0.5)), -0.5, rows - 0.5);
        return Save(plot, path);
    }

    /// <summary>
    /// Cumulative distributions (<see cref="ChartSeries.Cdf"/> or <see cref="ChartSeries.CdfFromPercentiles"/>): X the
    /// value (log scale when <paramref name="logX"/>; values at or below 0 are dropped there), Y the fraction at or below it.
    /// </summary>
    public static string Cdf(string path, string title, string xLabel, IReadOnlyList<ChartSeries> series, bool logX = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        Plot plot = NewPlot(title, xLabel, "fraction at or below");
        AddLines(plot, series, logX);
        if (logX)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Axes.Bottom.TickGenerator = ticks;
        }
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, 1.02);
        return Save(plot, path);
    }

    /// <summary>
    /// Grouped bars: one group per category (left to right in the order given), one bar per series in each group
    /// (a value that is not finite draws no bar). Dashed series (targets) are drawn as hollow outlined bars.
    /// </summary>
    public static string Bars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        if (categories.Count == 0 || series.Any(s => s.Y.Count != categories.Count))
        {
            throw new ArgumentException($"Bars need at least one category and one value per category in every series ({categories.Count} categories).", nameof(series));
        }
        Plot plot = NewPlot(title, string.Empty, yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / Math.Max(1, series.Count);
        for (int k = 0; k < series.Count; k++)
        {
            ChartSeries s = series[k];
            Color color = palette.GetColor(k);
            var bars = new List<Bar>();
            for (int i = 0; i < categories.Count; i++)
            {
                double value = s.Y[i];
                if (!double.IsFinite(value))
                {
                    continue;
                }
                bars.Add(new Bar
                {
                    Position = i + ((k - ((series.Count - 1) / 2.0)) * width),
                    Value = value,
                    Size = width * 0.9,
                    FillColor = s.Dashed ? Colors.Transparent : color,
                    LineColor = color,
                    LineWidth = s.Dashed ? 2 : 0,
                });
            }
            ScottPlot.Plottables.BarPlot plottable = plot.Add.Bars(bars);
            plottable.LegendText = s.Name;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        double max = series.SelectMany(s => s.Y).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, max > 0 ? max * 1.1 : 1);
        if (series.Count > 1)
        {
            plot.ShowLegend(Edge.Right);
        }
        return Save(plot, path);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static void AddLines(Plot plot, IReadOnlyList<ChartSeries> series, bool logX)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            ChartSeries s = series[i];
            if (s.X.Count != s.Y.Count)
            {
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} X values and {s.Y.Count} Y values.", nameof(series));
            }
            IEnumerable<(double X, double Y)> points = s.X.Zip(s.Y);
            if (logX)
            {
                points = points.Where(p => p.X > 0).Select(p => (Math.Log10(p.X), p.Y));
            }
            var kept = points.ToList();
            if (kept.Count == 0)
            {
                continue;
            }
            double[] xs = [.. kept.Select(p => p.X)], ys = [.. kept.Select(p => p.Y)];
            ScottPlot.Plottables.Scatter line = plot.Add.Scatter(xs, ys, palette.GetColor(i));
            line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = kept.Count <= 12 ? 6 : 0;
            line.ConnectStyle = s.Step ? ConnectStyle.StepHorizontal : ConnectStyle.Straight;
            line.LinePattern = s.Dashed ? LinePattern.Dashed : LinePattern.Solid;
        }
        if (series.Count > 1)
        {
            plot.ShowLegend(Edge.Right);
        }
    }

    private static string Save(Plot plot, string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        switch (Path.GetExtension(path).ToUpperInvariant())
        {
            case ".SVG":
                plot.SaveSvg(path, Width, Height);
                break;
            case ".PNG":
                plot.SavePng(path, Width, Height);
                break;
            default:
                throw new ArgumentException($"Charts are .svg or .png, not '{Path.GetExtension(path)}'.", nameof(path));
        }
        return path;
    }
}
