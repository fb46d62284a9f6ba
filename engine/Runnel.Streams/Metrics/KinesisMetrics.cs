using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Runnel.Streams.Shards;

namespace Runnel.Streams.Metrics;

/// <summary>
/// The engine's instruments, on one <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/>
/// (one per engine, created with it): CloudWatch's <c>AWS/Kinesis</c> metrics as counters and histograms, tagged with
/// its dimensions (<see cref="KinesisMetricNames"/>). dotnet-counters, OpenTelemetry and <see cref="PrometheusCollector"/>
/// all listen to the same instruments.
/// </summary>
/// <remarks>
/// <para>Each fact is recorded once, where the engine knows it: puts in <c>PutRecordAsync</c>/<c>PutRecordsAsync</c>
/// (stream level, once per call) and the shard append (shard level, throttling); reads in <c>GetRecords</c>;
/// subscriptions in <c>SubscribeToShard</c> and after each event is handed over.</para>
/// <para>Shard-level series are recorded only for the metrics EnableEnhancedMonitoring turned on for the stream
/// (<see cref="StreamState.ShardMetrics"/>). The record methods allocate nothing: tags are
/// <see cref="KeyValuePair{TKey, TValue}"/> structs over strings the engine keeps (stream name, shard id, consumer
/// name), and with no listener an instrument's call returns at once.</para>
/// <para>Thread-safe. <see cref="Retired"/> is raised under the engine's lock: handlers must be quick and must not call
/// back into the engine.</para>
/// </remarks>
public sealed class KinesisMetrics : IDisposable
{
    /// <summary>The meter's name (what <c>dotnet-counters monitor --counters Runnel.Kinesis</c> and
    /// OpenTelemetry's <c>AddMeter</c> name).</summary>
    public const string MeterName = "Runnel.Kinesis";

    private const string Milliseconds = "ms";
    private const string Bytes = "By";
    private const string Records = "{record}";
    private const string Calls = "{call}";

    // Latencies of a local engine: sub-millisecond to the 10 s a stuck fsync could take.
    private static readonly double[] s_latencyBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    // Ages: 0 is "caught up"; then seconds to the longest retention (365 days).
    private static readonly long[] s_ageBoundaries = [0, 100, 1000, 10_000, 60_000, 300_000, 1_800_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000, 31_536_000_000];

    // Live streams and the shard-level metrics each has on: what a collector may still report.
    private readonly ConcurrentDictionary<string, ShardLevelMetrics> _streams = new(StringComparer.Ordinal);

    private readonly Counter<long> _incomingBytes;
    private readonly Counter<long> _incomingRecords;
    private readonly Counter<long> _outgoingBytes;
    private readonly Counter<long> _outgoingRecords;
    private readonly Counter<long> _writeExceeded;
    private readonly Counter<long> _readExceeded;
    private readonly Histogram<long> _iteratorAge;
    private readonly Counter<long> _putRecordBytes;
    private readonly Histogram<double> _putRecordLatency;
    private readonly Counter<long> _putRecordSuccess;
    private readonly Counter<long> _putRecordsBytes;
    private readonly Histogram<double> _putRecordsLatency;
    private readonly Counter<long> _putRecordsRecords;
    private readonly Counter<long> _putRecordsSuccess;
    private readonly Counter<long> _putRecordsSuccessful;
    private readonly Counter<long> _putRecordsFailed;
    private readonly Counter<long> _putRecordsThrottled;
    private readonly Counter<long> _putRecordsTotal;
    private readonly Counter<long> _getRecordsBytes;
    private readonly Counter<long> _getRecordsRecords;
    private readonly Histogram<double> _getRecordsLatency;
    private readonly Counter<long> _getRecordsSuccess;
    private readonly Histogram<long> _getRecordsIteratorAge;
    private readonly Counter<long> _subscribeRateExceeded;
    private readonly Counter<long> _subscribeSuccess;
    private readonly Counter<long> _eventBytes;
    private readonly Counter<long> _eventRecords;
    private readonly Histogram<long> _eventMillisBehind;
    private readonly Counter<long> _eventSuccess;

    internal KinesisMetrics()
    {
        Meter = new Meter(MeterName, typeof(KinesisMetrics).Assembly.GetName().Version?.ToString());
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBoundaries };
        var age = new InstrumentAdvice<long> { HistogramBucketBoundaries = s_ageBoundaries };
        _incomingBytes = Meter.CreateCounter<long>(KinesisMetricNames.IncomingBytes, Bytes,
            "Bytes successfully put to the stream or shard (PutRecord and PutRecords; data and partition key).");
        _incomingRecords = Meter.CreateCounter<long>(KinesisMetricNames.IncomingRecords, Records,
            "Records successfully put to the stream or shard (PutRecord and PutRecords).");
        _outgoingBytes = Meter.CreateCounter<long>(KinesisMetricNames.OutgoingBytes, Bytes,
            "Bytes retrieved from the shard (GetRecords and SubscribeToShard events).");
        _outgoingRecords = Meter.CreateCounter<long>(KinesisMetricNames.OutgoingRecords, Records,
            "Records retrieved from the shard (GetRecords and SubscribeToShard events).");
        _writeExceeded = Meter.CreateCounter<long>(KinesisMetricNames.WriteProvisionedThroughputExceeded, Records,
            "Records rejected by throttling (PutRecord and PutRecords).");
        _readExceeded = Meter.CreateCounter<long>(KinesisMetricNames.ReadProvisionedThroughputExceeded, Calls,
            "GetRecords calls throttled.");
        _iteratorAge = Meter.CreateHistogram(KinesisMetricNames.IteratorAgeMilliseconds, Milliseconds,
            "Age of the last record returned by each GetRecords call on the shard (0 when none: caught up).", advice: age);
        _putRecordBytes = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordBytes, Bytes, "Bytes put with PutRecord.");
        _putRecordLatency = Meter.CreateHistogram(KinesisMetricNames.PutRecordLatency, Milliseconds,
            "Time the engine took per PutRecord call (until durable), successful or not.", advice: latency);
        _putRecordSuccess = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordSuccess, Calls, "Successful PutRecord calls.");
        _putRecordsBytes = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsBytes, Bytes,
            "Bytes of the records put successfully with PutRecords.");
        _putRecordsLatency = Meter.CreateHistogram(KinesisMetricNames.PutRecordsLatency, Milliseconds,
            "Time the engine took per PutRecords call (until every record is durable or refused).", advice: latency);
        _putRecordsRecords = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsRecords, Records,
            "Records put successfully with PutRecords (deprecated: PutRecords.SuccessfulRecords).");
        _putRecordsSuccess = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsSuccess, Calls,
            "PutRecords calls in which at least one record succeeded.");
        _putRecordsSuccessful = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsSuccessfulRecords, Records,
            "Records put successfully with PutRecords.");
        _putRecordsFailed = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsFailedRecords, Records,
            "PutRecords records rejected by internal failures.");
        _putRecordsThrottled = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsThrottledRecords, Records,
            "PutRecords records rejected by throttling.");
        _putRecordsTotal = Meter.CreateCounter<long>(KinesisMetricNames.PutRecordsTotalRecords, Records,
            "Records sent in PutRecords calls.");
        _getRecordsBytes = Meter.CreateCounter<long>(KinesisMetricNames.GetRecordsBytes, Bytes, "Bytes returned by GetRecords.");
        _getRecordsRecords = Meter.CreateCounter<long>(KinesisMetricNames.GetRecordsRecords, Records, "Records returned by GetRecords.");
        _getRecordsLatency = Meter.CreateHistogram(KinesisMetricNames.GetRecordsLatency, Milliseconds,
            "Time the engine took per GetRecords call, successful or not.", advice: latency);
        _getRecordsSuccess = Meter.CreateCounter<long>(KinesisMetricNames.GetRecordsSuccess, Calls, "Successful GetRecords calls.");
        _getRecordsIteratorAge = Meter.CreateHistogram(KinesisMetricNames.GetRecordsIteratorAgeMilliseconds, Milliseconds,
            "Age of the last record returned by each GetRecords call (0 when none: caught up).", advice: age);
        _subscribeRateExceeded = Meter.CreateCounter<long>(KinesisMetricNames.SubscribeToShardRateExceeded, Calls,
            "SubscribeToShard calls refused: another subscription of the consumer to the shard is active, or the call rate was exceeded.");
        _subscribeSuccess = Meter.CreateCounter<long>(KinesisMetricNames.SubscribeToShardSuccess, Calls, "Subscriptions established.");
        _eventBytes = Meter.CreateCounter<long>(KinesisMetricNames.SubscribeToShardEventBytes, Bytes, "Bytes of the records sent in SubscribeToShard events.");
        _eventRecords = Meter.CreateCounter<long>(KinesisMetricNames.SubscribeToShardEventRecords, Records, "Records sent in SubscribeToShard events.");
        _eventMillisBehind = Meter.CreateHistogram(KinesisMetricNames.SubscribeToShardEventMillisBehindLatest, Milliseconds,
            "MillisBehindLatest of each SubscribeToShard event sent.", advice: age);
        _eventSuccess = Meter.CreateCounter<long>(KinesisMetricNames.SubscribeToShardEventSuccess, Calls, "SubscribeToShard events sent.");
    }

    /// <summary>The meter every instrument belongs to; disposed with the engine.</summary>
    public Meter Meter { get; }

    /// <summary>Raised when series stop being reported (a stream deleted, monitoring turned off, a shard expired).</summary>
    public event Action<MetricsRetirement>? Retired;

    /// <summary>True while <paramref name="streamName"/> exists, with the shard-level metrics it reports.</summary>
    public bool TryGetShardLevelMetrics(string streamName, out ShardLevelMetrics enabled) => _streams.TryGetValue(streamName, out enabled);

    public void Dispose() => Meter.Dispose();

    // --- scope: which streams and shard-level metrics exist (called by the engine under its lock) --------------

    internal void StreamAttached(StreamState stream) => _streams[stream.Name] = stream.ShardMetrics;

    internal void StreamRemoved(string streamName)
    {
        _streams.TryRemove(streamName, out _);
        Retired?.Invoke(new MetricsRetirement(streamName, WholeStream: true, null, ShardLevelMetrics.All));
    }

    internal void ShardMetricsChanged(StreamState stream, ShardLevelMetrics before)
    {
        ShardLevelMetrics after = stream.ShardMetrics;
        _streams[stream.Name] = after;
        if ((before & ~after) != 0)
        {
            Retired?.Invoke(new MetricsRetirement(stream.Name, WholeStream: false, null, before & ~after));
        }
    }

    internal void ShardRemoved(StreamState stream, ShardState shard)
        => Retired?.Invoke(new MetricsRetirement(stream.Name, WholeStream: false, shard.IdText, ShardLevelMetrics.All));

    // --- puts ------------------------------------------------------------------------------------------------

    /// <summary>A PutRecord call on <paramref name="stream"/>; <paramref name="bytes"/> is negative when it failed.</summary>
    internal void PutRecord(StreamState stream, long bytes, TimeSpan elapsed)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        if (bytes >= 0)
        {
            _incomingBytes.Add(bytes, tag);
            _incomingRecords.Add(1, tag);
            _putRecordBytes.Add(bytes, tag);
            _putRecordSuccess.Add(1, tag);
        }
        _putRecordLatency.Record(elapsed.TotalMilliseconds, tag);
    }

    /// <summary>A PutRecords call on <paramref name="stream"/>: <paramref name="outcome"/> is null when the call was
    /// refused as a whole (nothing appended).</summary>
    internal void PutRecords(StreamState stream, PutRecordsOutcome? outcome, TimeSpan elapsed)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        if (outcome is { } o)
        {
            _putRecordsTotal.Add(o.Total, tag);
            _putRecordsSuccessful.Add(o.Successful, tag);
            _putRecordsRecords.Add(o.Successful, tag);
            _putRecordsThrottled.Add(o.Throttled, tag);
            _putRecordsFailed.Add(o.Total - o.Successful - o.Throttled, tag);
            _putRecordsBytes.Add(o.SuccessfulBytes, tag);
            _incomingBytes.Add(o.SuccessfulBytes, tag);
            _incomingRecords.Add(o.Successful, tag);
            if (o.Successful > 0)
            {
                _putRecordsSuccess.Add(1, tag);
            }
        }
        _putRecordsLatency.Record(elapsed.TotalMilliseconds, tag);
    }

    /// <summary>One record durable in <paramref name="shard"/> (shard level; stream level is counted per call).</summary>
    internal void ShardIncoming(StreamState stream, ShardState shard, long bytes)
    {
        ShardLevelMetrics enabled = stream.ShardMetrics;
        if ((enabled & (ShardLevelMetrics.IncomingBytes | ShardLevelMetrics.IncomingRecords)) == 0)
        {
            return;
        }
        KeyValuePair<string, object?> streamTag = StreamTag(stream);
        KeyValuePair<string, object?> shardTag = ShardTag(shard);
        if ((enabled & ShardLevelMetrics.IncomingBytes) != 0)
        {
            _incomingBytes.Add(bytes, streamTag, shardTag);
        }
        if ((enabled & ShardLevelMetrics.IncomingRecords) != 0)
        {
            _incomingRecords.Add(1, streamTag, shardTag);
        }
    }

    /// <summary>One record refused by throttling (its shard's limits, the stream's on-demand capacity, or backpressure).</summary>
    internal void WriteThrottled(StreamState stream, ShardState shard)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        _writeExceeded.Add(1, tag);
        if ((stream.ShardMetrics & ShardLevelMetrics.WriteProvisionedThroughputExceeded) != 0)
        {
            _writeExceeded.Add(1, tag, ShardTag(shard));
        }
    }

    // --- reads -----------------------------------------------------------------------------------------------

    /// <summary>A GetRecords call refused by the shard's read limits.</summary>
    internal void ReadThrottled(StreamState stream, ShardState shard)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        _readExceeded.Add(1, tag);
        if ((stream.ShardMetrics & ShardLevelMetrics.ReadProvisionedThroughputExceeded) != 0)
        {
            _readExceeded.Add(1, tag, ShardTag(shard));
        }
    }

    /// <summary>A successful GetRecords call: <paramref name="iteratorAgeMs"/> is now minus the arrival of the last
    /// record returned (0 when none was).</summary>
    internal void GetRecords(StreamState stream, ShardState shard, int records, long bytes, long iteratorAgeMs)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        _getRecordsSuccess.Add(1, tag);
        _getRecordsRecords.Add(records, tag);
        _getRecordsBytes.Add(bytes, tag);
        _getRecordsIteratorAge.Record(iteratorAgeMs, tag);
        ShardLevelMetrics enabled = stream.ShardMetrics;
        if ((enabled & (ShardLevelMetrics.OutgoingBytes | ShardLevelMetrics.OutgoingRecords | ShardLevelMetrics.IteratorAgeMilliseconds)) != 0)
        {
            KeyValuePair<string, object?> shardTag = ShardTag(shard);
            Outgoing(enabled, tag, shardTag, records, bytes);
            if ((enabled & ShardLevelMetrics.IteratorAgeMilliseconds) != 0)
            {
                _iteratorAge.Record(iteratorAgeMs, tag, shardTag);
            }
        }
    }

    /// <summary>The latency of a GetRecords call that named a live stream, successful or not.</summary>
    internal void GetRecordsLatency(StreamState stream, TimeSpan elapsed) => _getRecordsLatency.Record(elapsed.TotalMilliseconds, StreamTag(stream));

    // --- enhanced fan-out ------------------------------------------------------------------------------------

    internal void SubscribeRateExceeded(StreamState stream, string consumerName)
        => _subscribeRateExceeded.Add(1, StreamTag(stream), ConsumerTag(consumerName));

    internal void SubscribeSucceeded(StreamState stream, string consumerName)
        => _subscribeSuccess.Add(1, StreamTag(stream), ConsumerTag(consumerName));

    /// <summary>A SubscribeToShard event handed over to the subscriber.</summary>
    internal void EventSent(StreamState stream, ShardState shard, string consumerName, int records, long bytes, long millisBehindLatest)
    {
        KeyValuePair<string, object?> tag = StreamTag(stream);
        KeyValuePair<string, object?> consumer = ConsumerTag(consumerName);
        _eventSuccess.Add(1, tag, consumer);
        _eventRecords.Add(records, tag, consumer);
        _eventBytes.Add(bytes, tag, consumer);
        _eventMillisBehind.Record(millisBehindLatest, tag, consumer);
        ShardLevelMetrics enabled = stream.ShardMetrics;
        if ((enabled & (ShardLevelMetrics.OutgoingBytes | ShardLevelMetrics.OutgoingRecords)) != 0)
        {
            Outgoing(enabled, tag, ShardTag(shard), records, bytes);
        }
    }

    private void Outgoing(ShardLevelMetrics enabled, KeyValuePair<string, object?> streamTag, KeyValuePair<string, object?> shardTag, int records, long bytes)
    {
        if ((enabled & ShardLevelMetrics.OutgoingBytes) != 0)
        {
            _outgoingBytes.Add(bytes, streamTag, shardTag);
        }
        if ((enabled & ShardLevelMetrics.OutgoingRecords) != 0)
        {
            _outgoingRecords.Add(records, streamTag, shardTag);
        }
    }

    private static KeyValuePair<string, object?> StreamTag(StreamState stream) => new(KinesisMetricNames.StreamName, stream.Name);

    private static KeyValuePair<string, object?> ShardTag(ShardState shard) => new(KinesisMetricNames.ShardId, shard.IdText);

    private static KeyValuePair<string, object?> ConsumerTag(string consumerName) => new(KinesisMetricNames.ConsumerName, consumerName);
}
