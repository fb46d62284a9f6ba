using System.Collections.Concurrent;
using System.Globalization;

namespace Runnel.Harness.Reliability;

/// <summary>
/// What the soak's clients did and saw: every acknowledged record (partition key and that key's counter), what the
/// polling and fan-out consumers read, every error by operation and type, and the order violations found on the way.
/// Thread-safe.
/// </summary>
public sealed class SoakLedger
{
    /// <summary>The errors a soak may see, by operation, with why AWS returns them there (the rest fail the run).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExpectedErrors = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["PutRecord"] = ["ProvisionedThroughputExceededException"],
        ["PutRecords"] = ["ProvisionedThroughputExceededException"], // per record, inside a 200
        ["GetRecords"] = ["ProvisionedThroughputExceededException"],
        ["GetShardIterator"] = ["ProvisionedThroughputExceededException"],
        ["ListShards"] = ["LimitExceededException"],
        ["DescribeStreamSummary"] = ["LimitExceededException"],
        ["DescribeStreamConsumer"] = ["LimitExceededException"],
        ["UpdateShardCount"] = ["LimitExceededException", "ResourceInUseException"], // 10 per rolling 24 h; stream UPDATING
        ["SplitShard"] = ["LimitExceededException", "ResourceInUseException"],
        ["MergeShards"] = ["LimitExceededException", "ResourceInUseException"],
        ["SubscribeToShard"] = ["LimitExceededException", "ResourceInUseException"], // 1 call/s per shard; 5 s takeover grace
    };

    private readonly ConcurrentDictionary<(string Operation, string Type), int> _errors = new();
    private readonly ConcurrentDictionary<string, long> _acked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _polled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _fannedOut = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastPolledCounter = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private long _ackedCount;
    private long _polledCount;
    private long _fannedOutCount;
    private int _serverErrors;

    /// <summary>Acknowledged records.</summary>
    public long AckedCount => Interlocked.Read(ref _ackedCount);

    /// <summary>Records read by the polling consumers (duplicates included).</summary>
    public long PolledCount => Interlocked.Read(ref _polledCount);

    /// <summary>Records received by the fan-out readers (duplicates included).</summary>
    public long FannedOutCount => Interlocked.Read(ref _fannedOutCount);

    /// <summary>Answers with HTTP 5xx.</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    /// <summary>Order violations found (at most the first 50 are kept).</summary>
    public IReadOnlyList<string> Violations => [.. _violations.Take(50)];

    /// <summary>How many order violations were found.</summary>
    public int ViolationCount => _violations.Count;

    /// <summary>Record payload for <paramref name="key"/>'s <paramref name="counter"/>th record.</summary>
    public static string Payload(string key, long counter) => key + ":" + counter.ToString(CultureInfo.InvariantCulture);

    /// <summary>Notes an acknowledged record.</summary>
    public void Acked(string key, long counter)
    {
        _acked[Payload(key, counter)] = counter;
        Interlocked.Increment(ref _ackedCount);
    }

    /// <summary>Notes an error answer (or a per-record error) of <paramref name="operation"/>.</summary>
    public void Error(string operation, HostileReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Error(operation, reply.ErrorType ?? "?", reply.Status);
    }

    /// <summary>Notes an error of <paramref name="operation"/> by type.</summary>
    public void Error(string operation, string type, int status = 400)
    {
        _errors.AddOrUpdate((operation, type), 1, (_, n) => n + 1);
        if (status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }
    }

    /// <summary>Notes a record read by a polling consumer; checks that the key's counter never goes back.</summary>
    public void Polled(string payload, string shardId)
    {
        Interlocked.Increment(ref _polledCount);
        _polled.TryAdd(payload, 0);
        (string key, long counter) = Parse(payload);
        long previous = _lastPolledCounter.GetOrAdd(key, -1);
        if (counter < previous)
        {
            Violation($"polling: key {key} read counter {counter} after {previous} (shard {shardId})");
        }
        _lastPolledCounter[key] = Math.Max(previous, counter);
    }

    /// <summary>Notes a record received by a fan-out reader.</summary>
    public void FannedOut(string payload)
    {
        Interlocked.Increment(ref _fannedOutCount);
        _fannedOut.TryAdd(payload, 0);
    }

    /// <summary>Notes an order violation.</summary>
    public void Violation(string what) => _violations.Enqueue(what);

    /// <summary>Acknowledged records the polling consumers have not read.</summary>
    public long MissingFromPolling() => _acked.Keys.Count(k => !_polled.ContainsKey(k));

    /// <summary>Acknowledged records the fan-out readers have not received.</summary>
    public long MissingFromFanOut() => _acked.Keys.Count(k => !_fannedOut.ContainsKey(k));

    /// <summary>Whether every acknowledged record has been read by the polling consumers (cheap when not).</summary>
    public bool PollingCaughtUp() => _polled.Count >= _acked.Count && MissingFromPolling() == 0;

    /// <summary>Every error by operation and type, with whether it is expected.</summary>
    public IReadOnlyList<SoakError> Errors() => [.. _errors
        .Select(p => new SoakError(p.Key.Operation, p.Key.Type, p.Value,
            ExpectedErrors.TryGetValue(p.Key.Operation, out string[]? types) && types.Contains(p.Key.Type, StringComparer.Ordinal)))
        .OrderBy(e => e.Operation, StringComparer.Ordinal).ThenBy(e => e.Type, StringComparer.Ordinal)];

    private static (string Key, long Counter) Parse(string payload)
    {
        int colon = payload.LastIndexOf(':');
        return colon < 0 || !long.TryParse(payload.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long counter)
            ? (payload, -1)
            : (payload[..colon], counter);
    }
}

/// <summary>One kind of error seen in a soak.</summary>
/// <param name="Operation">The API operation.</param>
/// <param name="Type">The error type.</param>
/// <param name="Count">How many.</param>
/// <param name="Expected">Whether AWS returns it there under load or resharding (<see cref="SoakLedger.ExpectedErrors"/>).</param>
public sealed record SoakError(string Operation, string Type, int Count, bool Expected);
