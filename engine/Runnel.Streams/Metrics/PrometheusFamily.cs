using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Runnel.Streams.Metrics;

/// <summary>
/// One Prometheus metric family: the instrument it renders (a CloudWatch name), its Prometheus name and type, and its
/// series by labels. <see cref="All"/> is the whole mapping, in the order <c>/metrics</c> shows it. Thread-safe.
/// </summary>
/// <remarks>Names follow Prometheus's rules: <c>kinesis_</c>, the CloudWatch name in snake case (dots become
/// underscores), <c>_total</c> on counters, the unit (<c>_milliseconds</c>) on histograms that do not name it.
/// Stream-level and shard-level series share a family, as they share a CloudWatch name; shard-level ones carry
/// <c>shard_id</c> (select stream level with <c>{shard_id=""}</c>).</remarks>
internal sealed class PrometheusFamily
{
    private PrometheusFamily(string instrument, string name, bool histogram)
    {
        Instrument = instrument;
        Name = name;
        IsHistogram = histogram;
        ShardFlag = KinesisMetricNames.ShardLevelFlag(instrument);
    }

    /// <summary>The instrument's (CloudWatch) name.</summary>
    public string Instrument { get; }

    public string Name { get; }

    public bool IsHistogram { get; }

    /// <summary>The enhanced-monitoring switch of this family's shard-level series (None: it has none).</summary>
    public ShardLevelMetrics ShardFlag { get; }

    /// <summary>The instrument's description (set when it is published).</summary>
    public string Help { get; private set; } = "";

    /// <summary>Upper bounds of the histogram's buckets (from the instrument's advice), without +Inf.</summary>
    public double[] Bounds { get; private set; } = [];

    public ConcurrentDictionary<SeriesKey, PrometheusSeries> Series { get; } = new();

    /// <summary>Takes the description and bucket bounds of the published instrument.</summary>
    public void Bind(Instrument instrument)
    {
        Help = $"CloudWatch {Instrument}: {instrument.Description}";
        Bounds = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray() ?? [],
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? [],
            _ => [],
        };
    }

    /// <summary>Adds a measurement to the series its tags name (ignored without a StreamName tag).</summary>
    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (SeriesKey.TryFrom(tags, out SeriesKey key))
        {
            PrometheusSeries series = SeriesOf(key);
            if (IsHistogram)
            {
                series.Observe(value, Bounds);
            }
            else
            {
                series.Add(value);
            }
        }
    }

    /// <summary>Adds a measurement of a histogram to the series its tags name (ignored without a StreamName tag).</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (IsHistogram && SeriesKey.TryFrom(tags, out SeriesKey key))
        {
            SeriesOf(key).Observe(value, Bounds);
        }
    }

    private PrometheusSeries SeriesOf(SeriesKey key)
        => Series.TryGetValue(key, out PrometheusSeries? series)
            ? series
            : Series.GetOrAdd(key, static (_, family) => new PrometheusSeries(family.IsHistogram ? family.Bounds.Length : -1), this);

    /// <summary>Every family, in the order of the README's table.</summary>
    public static PrometheusFamily[] All() =>
    [
        new(KinesisMetricNames.IncomingBytes, "kinesis_incoming_bytes_total", false),
        new(KinesisMetricNames.IncomingRecords, "kinesis_incoming_records_total", false),
        new(KinesisMetricNames.PutRecordBytes, "kinesis_put_record_bytes_total", false),
        new(KinesisMetricNames.PutRecordLatency, "kinesis_put_record_latency_milliseconds", true),
        new(KinesisMetricNames.PutRecordSuccess, "kinesis_put_record_success_total", false),
        new(KinesisMetricNames.PutRecordsBytes, "kinesis_put_records_bytes_total", false),
        new(KinesisMetricNames.PutRecordsLatency, "kinesis_put_records_latency_milliseconds", true),
        new(KinesisMetricNames.PutRecordsRecords, "kinesis_put_records_records_total", false),
        new(KinesisMetricNames.PutRecordsSuccess, "kinesis_put_records_success_total", false),
        new(KinesisMetricNames.PutRecordsSuccessfulRecords, "kinesis_put_records_successful_records_total", false),
        new(KinesisMetricNames.PutRecordsFailedRecords, "kinesis_put_records_failed_records_total", false),
        new(KinesisMetricNames.PutRecordsThrottledRecords, "kinesis_put_records_throttled_records_total", false),
        new(KinesisMetricNames.PutRecordsTotalRecords, "kinesis_put_records_total_records_total", false),
        new(KinesisMetricNames.GetRecordsBytes, "kinesis_get_records_bytes_total", false),
        new(KinesisMetricNames.GetRecordsRecords, "kinesis_get_records_records_total", false),
        new(KinesisMetricNames.GetRecordsLatency, "kinesis_get_records_latency_milliseconds", true),
        new(KinesisMetricNames.GetRecordsSuccess, "kinesis_get_records_success_total", false),
        new(KinesisMetricNames.GetRecordsIteratorAgeMilliseconds, "kinesis_get_records_iterator_age_milliseconds", true),
        new(KinesisMetricNames.ReadProvisionedThroughputExceeded, "kinesis_read_provisioned_throughput_exceeded_total", false),
        new(KinesisMetricNames.WriteProvisionedThroughputExceeded, "kinesis_write_provisioned_throughput_exceeded_total", false),
        new(KinesisMetricNames.OutgoingBytes, "kinesis_outgoing_bytes_total", false),
        new(KinesisMetricNames.OutgoingRecords, "kinesis_outgoing_records_total", false),
        new(KinesisMetricNames.IteratorAgeMilliseconds, "kinesis_iterator_age_milliseconds", true),
        new(KinesisMetricNames.SubscribeToShardRateExceeded, "kinesis_subscribe_to_shard_rate_exceeded_total", false),
        new(KinesisMetricNames.SubscribeToShardSuccess, "kinesis_subscribe_to_shard_success_total", false),
        new(KinesisMetricNames.SubscribeToShardEventBytes, "kinesis_subscribe_to_shard_event_bytes_total", false),
        new(KinesisMetricNames.SubscribeToShardEventRecords, "kinesis_subscribe_to_shard_event_records_total", false),
        new(KinesisMetricNames.SubscribeToShardEventMillisBehindLatest, "kinesis_subscribe_to_shard_event_millis_behind_latest", true),
        new(KinesisMetricNames.SubscribeToShardEventSuccess, "kinesis_subscribe_to_shard_event_success_total", false),
    ];
}
