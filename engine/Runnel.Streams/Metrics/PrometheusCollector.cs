using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Runnel.Streams.Metrics;

/// <summary>
/// Collects one engine's <see cref="KinesisMetrics"/> with a <see cref="MeterListener"/> and renders them in the
/// Prometheus text exposition format (version 0.0.4), for <c>GET /metrics</c>. Series are cumulative from the moment
/// the collector starts; those of a deleted stream, of shard-level metrics turned off, or of an expired shard are
/// dropped (<see cref="KinesisMetrics.Retired"/>) and never rendered again.
/// </summary>
/// <remarks>
/// Only instruments of this engine's meter are listened to, so several engines in one process (tests) do not mix.
/// A measurement costs a dictionary look-up by its labels and an interlocked add; it allocates only when it starts
/// a new series. Thread-safe; dispose to stop listening.
/// </remarks>
public sealed class PrometheusCollector : IDisposable
{
    /// <summary>The content type of <see cref="Scrape"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly KinesisMetrics _metrics;
    private readonly MeterListener _listener;
    private readonly PrometheusFamily[] _families;
    private readonly Dictionary<string, PrometheusFamily> _byInstrument;

    public PrometheusCollector(KinesisMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        _families = PrometheusFamily.All();
        _byInstrument = _families.ToDictionary(f => f.Instrument, StringComparer.Ordinal);
        _listener = new MeterListener { InstrumentPublished = Publish };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        metrics.Retired += Retire;
        _listener.Start();
    }

    public void Dispose()
    {
        _metrics.Retired -= Retire;
        _listener.Dispose();
    }

    /// <summary>Every family with its live series, as UTF-8 Prometheus text.</summary>
    public byte[] Scrape()
    {
        var text = new StringBuilder(8192);
        foreach (PrometheusFamily family in _families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(family.IsHistogram ? " histogram\n" : " counter\n");
            KeyValuePair<SeriesKey, PrometheusSeries>[] series = [.. family.Series];
            Array.Sort(series, static (a, b) => a.Key.CompareTo(b.Key));
            foreach ((SeriesKey key, PrometheusSeries value) in series)
            {
                if (!IsLive(family, key))
                {
                    family.Series.TryRemove(key, out _); // a straggler measurement after its stream or switch went away
                    continue;
                }
                if (family.IsHistogram)
                {
                    WriteHistogram(text, family, key, value);
                }
                else
                {
                    WriteSample(text, family.Name, key, null, value.Total.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private void Publish(Instrument instrument, MeterListener listener)
    {
        if (ReferenceEquals(instrument.Meter, _metrics.Meter) && _byInstrument.TryGetValue(instrument.Name, out PrometheusFamily? family))
        {
            family.Bind(instrument);
            listener.EnableMeasurementEvents(instrument, family);
        }
    }

    private void Retire(MetricsRetirement retirement)
    {
        foreach (PrometheusFamily family in _families)
        {
            foreach (SeriesKey key in family.Series.Keys)
            {
                if (retirement.Covers(key.Stream, key.Shard, family.ShardFlag))
                {
                    family.Series.TryRemove(key, out _);
                }
            }
        }
    }

    private bool IsLive(PrometheusFamily family, SeriesKey key)
        => _metrics.TryGetShardLevelMetrics(key.Stream, out ShardLevelMetrics enabled)
            && (key.Shard is null || (enabled & family.ShardFlag) != 0);

    private static void WriteHistogram(StringBuilder text, PrometheusFamily family, SeriesKey key, PrometheusSeries series)
    {
        long[] buckets = series.CumulativeBuckets();
        for (int i = 0; i < buckets.Length; i++)
        {
            string le = i < family.Bounds.Length ? family.Bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            WriteSample(text, family.Name + "_bucket", key, le, buckets[i].ToString(CultureInfo.InvariantCulture));
        }
        WriteSample(text, family.Name + "_sum", key, null, series.Sum.ToString(CultureInfo.InvariantCulture));
        WriteSample(text, family.Name + "_count", key, null, buckets[^1].ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteSample(StringBuilder text, string name, SeriesKey key, string? le, string value)
    {
        text.Append(name).Append("{stream_name=\"").Append(EscapeLabel(key.Stream)).Append('"');
        if (key.Shard is not null)
        {
            text.Append(",shard_id=\"").Append(EscapeLabel(key.Shard)).Append('"');
        }
        if (key.Consumer is not null)
        {
            text.Append(",consumer_name=\"").Append(EscapeLabel(key.Consumer)).Append('"');
        }
        if (le is not null)
        {
            text.Append(",le=\"").Append(le).Append('"');
        }
        text.Append("} ").Append(value).Append('\n');
    }

    // The exposition format's escapes: backslash and newline everywhere, and the double quote in label values.
    private static string EscapeLabel(string value)
        => value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value)
        => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
