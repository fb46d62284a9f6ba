using System.Globalization;
using System.Text.RegularExpressions;

namespace Runnel.Server.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4) as a scraper parses it: every line is a HELP,
/// a TYPE or a sample; a family is typed once, before its samples; a sample belongs to the family typed last
/// (a histogram's as <c>_bucket</c>, <c>_sum</c>, <c>_count</c>); histogram buckets are cumulative, end with
/// <c>+Inf</c>, and <c>+Inf</c> equals <c>_count</c>. Throws on any violation; then samples are looked up by name and labels.
/// </summary>
internal sealed partial class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    private PrometheusText()
    {
    }

    public IReadOnlyDictionary<string, double> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        if (!text.EndsWith('\n'))
        {
            throw new FormatException("The text must end with a line feed.");
        }
        var parsed = new PrometheusText();
        var typed = new HashSet<string>(StringComparer.Ordinal);
        string? family = null;
        string? type = null;
        var buckets = new Dictionary<string, List<(double Le, double Count)>>(StringComparer.Ordinal);
        foreach (string line in text[..^1].Split('\n'))
        {
            if (Help().IsMatch(line))
            {
                continue;
            }
            if (Type().Match(line) is { Success: true } t)
            {
                family = t.Groups[1].Value;
                type = t.Groups[2].Value;
                if (!typed.Add(family))
                {
                    throw new FormatException($"{family} is typed twice.");
                }
                continue;
            }
            Match sample = Sample().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"Not a Prometheus line: '{line}'");
            }
            string name = sample.Groups["name"].Value;
            bool belongs = family is not null && (name == family
                || (type == "histogram" && (name == family + "_bucket" || name == family + "_sum" || name == family + "_count")));
            if (!belongs)
            {
                throw new FormatException($"{name} follows the TYPE of {family}.");
            }
            double value = ParseValue(sample.Groups["value"].Value);
            string labels = sample.Groups["labels"].Value;
            if (name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                Match le = LeLabel().Match(labels);
                if (!le.Success)
                {
                    throw new FormatException($"A bucket without le: '{line}'");
                }
                string series = family + LeLabel().Replace(labels, "");
                if (!buckets.TryGetValue(series, out List<(double, double)>? list))
                {
                    buckets[series] = list = [];
                }
                list.Add((ParseValue(le.Groups[1].Value), value));
            }
            if (!parsed._samples.TryAdd(name + labels, value))
            {
                throw new FormatException($"A duplicate sample: '{line}'");
            }
        }
        foreach ((string series, List<(double Le, double Count)> list) in buckets)
        {
            for (int i = 1; i < list.Count; i++)
            {
                if (list[i].Le <= list[i - 1].Le || list[i].Count < list[i - 1].Count)
                {
                    throw new FormatException($"{series}: buckets are not cumulative in increasing le.");
                }
            }
            if (!double.IsPositiveInfinity(list[^1].Le))
            {
                throw new FormatException($"{series}: the last bucket is not +Inf.");
            }
            string count = series.Replace("{", "_count{", StringComparison.Ordinal);
            if (!parsed._samples.TryGetValue(count, out double total) || total != list[^1].Count)
            {
                throw new FormatException($"{series}: _count differs from the +Inf bucket.");
            }
        }
        return parsed;
    }

    /// <summary>The value of the sample <paramref name="name"/> with these labels, or null when there is none.</summary>
    public double? Get(string name, string stream, string? shard = null, string? consumer = null)
    {
        string key = $"{name}{{stream_name=\"{stream}\"" + (shard is null ? "" : $",shard_id=\"{shard}\"")
            + (consumer is null ? "" : $",consumer_name=\"{consumer}\"") + "}";
        return _samples.TryGetValue(key, out double value) ? value : null;
    }

    /// <summary>True when any sample has the label <c>stream_name="<paramref name="stream"/>"</c>.</summary>
    public bool Mentions(string stream) => _samples.Keys.Any(k => k.Contains($"stream_name=\"{stream}\"", StringComparison.Ordinal));

    /// <summary>The samples of <paramref name="stream"/> that carry a shard_id.</summary>
    public string[] ShardSeries(string stream)
        => [.. _samples.Keys.Where(k => k.Contains($"stream_name=\"{stream}\",shard_id=", StringComparison.Ordinal))];

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* (?:[^\\\n]|\\[\\n])*$")]
    private static partial Regex Help();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex Type();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"")*\})? (?<value>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN)$")]
    private static partial Regex Sample();

    [GeneratedRegex(@",le=""([^""]*)""")]
    private static partial Regex LeLabel();
}
