using System.Globalization;
using System.Security.Cryptography;
using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Log;
using Runnel.Streams.Capacity;
using Runnel.Streams.Catalog;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Metrics;
using Runnel.Streams.Shards;
using Runnel.Streams.Storage;

namespace Runnel.Streams;

/// <summary>
/// The in-process Kinesis engine: streams, shards and their lineage, puts, iterators and reads, resharding,
/// retention, tags and consumers, with Kinesis's error types and messages (kinesis-api.md sections 2-6). The
/// server and the harness both call it.
/// </summary>
/// <remarks>
/// <para>State: the catalog (<see cref="CatalogStore"/>, replaced atomically and durably on every metadata change)
/// and one <see cref="ShardLog"/> per shard. A metadata change is durable before it is visible: a resharding writes
/// the catalog (children included) before any put can reach a child.</para>
/// <para>Time: statuses (CREATING, UPDATING, DELETING) follow from timestamps on the engine's <see cref="TimeProvider"/>,
/// so a restart, or simulated time, needs no timers to settle them.</para>
/// <para>Threads: every method is safe to call concurrently. Control-plane operations take one lock; puts and reads
/// take none on their fast path (they read an immutable topology snapshot).</para>
/// </remarks>
public sealed partial class StreamEngine : IDisposable
{
    private const string CatalogDirectory = "catalog";

    private readonly StreamsOptions _options;
    private readonly IStreamStorage _storage;
    private readonly TimeProvider _time;
    private readonly CatalogStore _catalogStore;
    private readonly CatalogDocument _catalog;
    private readonly TokenSigner _signer;
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly CapacityOptions _capacity;
    private readonly ControlPlaneRateLimiter _controlPlane;
    private readonly KeyService _keys;
    private readonly KinesisMetrics _metrics = new();

    // Guards the catalog, _streams and every StreamState's metadata. Never held across an await.
    private readonly Lock _lock = new();

    // Serialises resharding operations, which await shard closes outside _lock.
    private readonly SemaphoreSlim _reshardGate = new(1, 1);
    private bool _disposed;

    private StreamEngine(StreamsOptions options, IStreamStorage storage, TimeProvider time, CatalogStore store, CatalogDocument catalog, KeyService keys)
    {
        _keys = keys;
        _options = options;
        _storage = storage;
        _time = time;
        _catalogStore = store;
        _catalog = catalog;
        _signer = new TokenSigner(Convert.FromBase64String(catalog.TokenKey));
        _capacity = new CapacityOptions { LimitsEnabled = options.LimitsEnabled };
        _controlPlane = new ControlPlaneRateLimiter(time, _capacity);
    }

    /// <summary>The options the engine runs with.</summary>
    public StreamsOptions Options => _options;

    /// <summary>The number of streams (any status), for health checks; not rate limited.</summary>
    public int StreamCount
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>The engine's instruments (CloudWatch's Kinesis metrics), on its own meter; disposed with the engine.</summary>
    public KinesisMetrics Metrics => _metrics;

    /// <summary>The key service of encryption at rest (StartStreamEncryption's keys).</summary>
    public KeyService Keys => _keys;

    /// <summary>
    /// Opens the engine on <paramref name="storage"/>, recovering the catalog and every shard log.
    /// <paramref name="keys"/> is the key service of encryption at rest; when null, a <see cref="FileStreamStorage"/>
    /// uses the unsealed key file under its root (<see cref="FileStreamStorage.KeysDirectory"/>) and any other
    /// storage an in-memory key service.
    /// </summary>
    public static StreamEngine Open(StreamsOptions options, IStreamStorage storage, TimeProvider? time = null, KeyService? keys = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        options.Validate();
        keys ??= storage is FileStreamStorage files
            ? KeyService.Open(files.KeysDirectory, passphrase: null, options.Region, options.AccountId, time)
            : KeyService.InMemory(options.Region, options.AccountId, time);
        if (keys.Region != options.Region || keys.AccountId != options.AccountId)
        {
            throw new ArgumentException("The key service's region and account must be the engine's.", nameof(keys));
        }
        var store = new CatalogStore(storage.Directory(CatalogDirectory));
        CatalogDocument? catalog = store.Load();
        if (catalog is null)
        {
            catalog = new CatalogDocument { TokenKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            store.Save(catalog);
        }
        var engine = new StreamEngine(options, storage, time ?? TimeProvider.System, store, catalog, keys);
        try
        {
            foreach (StreamDocument document in catalog.Streams)
            {
                engine.Attach(document);
            }
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        return engine;
    }

    /// <summary>Closes every shard log (appends in flight finish first).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (StreamState stream in _streams.Values)
            {
                foreach (ShardState shard in stream.Shards.Values)
                {
                    shard.Log.Dispose();
                    shard.Cipher?.Dispose();
                }
            }
        }
        _reshardGate.Dispose();
        _metrics.Dispose();
    }

    /// <summary>
    /// Housekeeping: removes streams whose deletion delay passed, drops expired segments and expired closed shards,
    /// forgets deregistered consumers.
    /// Operations also settle what they touch; call this periodically (the server does, every second).
    /// On-demand streams split their hot shards here.
    /// </summary>
    public async Task RunMaintenanceAsync()
    {
        _keys.Refresh(); // key changes made by the CLI while the server runs
        List<StreamState> streams;
        lock (_lock)
        {
            streams = [.. _streams.Values];
        }
        foreach (StreamState stream in streams)
        {
            lock (_lock)
            {
                if (!Settle(stream))
                {
                    continue;
                }
                ExpireClosedShards(stream);
                SettleConsumers(stream);
            }
            TimeSpan retention = TimeSpan.FromMilliseconds(NowMs() - RetentionCutoffMs(stream.Document, NowMs()));
            foreach (ShardState shard in SnapshotShards(stream))
            {
                if (!shard.Log.IsFailed)
                {
                    shard.Log.EnforceRetention(retention);
                }
            }
            await ScaleOnDemandAsync(stream).ConfigureAwait(false);
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private string StreamArn(string name) => $"arn:aws:kinesis:{_options.Region}:{_options.AccountId}:stream/{name}";

    private static string ShardDirectory(StreamDocument stream, int shardIndex)
        => string.Create(CultureInfo.InvariantCulture, $"streams/{stream.Name}-{stream.Tag}/shard-{shardIndex:D12}");

    private static string StreamDirectory(StreamDocument stream)
        => string.Create(CultureInfo.InvariantCulture, $"streams/{stream.Name}-{stream.Tag}");

    private void Persist() => _catalogStore.Save(_catalog);

    /// <summary>Opens the logs of a stream from the catalog and makes it visible. Holds _lock or runs at open.</summary>
    private StreamState Attach(StreamDocument document)
    {
        var state = new StreamState(document) { ShardMetrics = ParseShardLevelMetrics(document.ShardLevelMetrics) };
        foreach (ShardDocument shard in document.Shards)
        {
            state.Shards.Add(shard.Index, OpenShard(document, shard));
        }
        state.PublishTopology();
        EnsureCapacityModel(state);
        _streams.Add(document.Name, state);
        _metrics.StreamAttached(state);
        return state;
    }

    private ShardState OpenShard(StreamDocument stream, ShardDocument shard)
    {
        string directory = ShardDirectory(stream, shard.Index);
        ShardLog log;
        try
        {
            log = ShardLog.Open(
                _storage.Directory(directory),
                _options.ShardLog with { LogId = (uint)shard.Index, Retention = TimeSpan.FromHours(stream.RetentionHours) },
                _time);
        }
        catch (LogCorruptionException e)
        {
            // Name the file by its path under the data directory: "segment 0001.seg" alone does not say which shard.
            throw new LogCorruptionException($"{directory}/{e.FileName}", e.Position, e.Reason);
        }
        var cipher = new ShardCipher(_storage.Directory(directory), directory, stream.Name, stream.Tag, shard.Index, _keys,
            _options.ShardLog.SegmentMaxBytes, _time);
        return new ShardState(shard, stream.Tag, log, _time, _capacity) { Cipher = cipher };
    }

    /// <summary>
    /// On-demand streams get a stream-level capacity model; provisioned ones drop it. A stream switched to on-demand
    /// (<paramref name="switched"/>) starts at no less than its open shards' write capacity.
    /// </summary>
    private void EnsureCapacityModel(StreamState stream, bool switched = false)
    {
        if (stream.Document.Mode == "ON_DEMAND")
        {
            long floor = switched ? stream.Topology.OpenShards.Count * _capacity.ShardLimits.WriteBytesPerSecond : 0;
            stream.OnDemand ??= new OnDemandCapacity(_time, _capacity, floor);
        }
        else
        {
            stream.OnDemand = null;
        }
    }

    /// <summary>Control-plane rate limits (kinesis-api.md 4.2) as LimitExceededException.</summary>
    private void Throttle(string operation, string? streamName = null)
    {
        if (!_controlPlane.TryAcquire(operation, streamName))
        {
            throw KinesisException.Limit(streamName is null
                ? $"Rate exceeded for {operation} for account {_options.AccountId}."
                : $"Rate exceeded for {operation} on stream {streamName} under account {_options.AccountId}.");
        }
    }

    private StreamStatus StatusOf(StreamState stream)
    {
        StreamDocument d = stream.Document;
        long now = NowMs();
        if (d.DeletingUntilMs.HasValue)
        {
            return StreamStatus.Deleting;
        }
        if (now < d.ActiveAtMs)
        {
            return StreamStatus.Creating;
        }
        return now < d.UpdatingUntilMs ? StreamStatus.Updating : StreamStatus.Active;
    }

    /// <summary>Removes a stream whose deletion delay has passed; false when it is gone. Holds _lock.</summary>
    private bool Settle(StreamState stream)
    {
        StreamDocument d = stream.Document;
        if (d.DeletingUntilMs is not { } until || NowMs() < until)
        {
            return _streams.ContainsKey(d.Name);
        }
        if (_streams.Remove(d.Name))
        {
            _catalog.Streams.Remove(d);
            Persist();
            _metrics.StreamRemoved(d.Name);
            foreach (ShardState shard in stream.Shards.Values)
            {
                shard.Log.Dispose();
            }
            _storage.DeleteDirectory(StreamDirectory(d));
        }
        return false;
    }

    /// <summary>Drops closed shards whose close is older than the retention period (all their data expired). Holds _lock.</summary>
    private void ExpireClosedShards(StreamState stream)
    {
        long cutoff = RetentionCutoffMs(stream.Document, NowMs());
        List<ShardState>? expired = null;
        foreach (ShardState shard in stream.Shards.Values)
        {
            if (IsExpired(shard, cutoff))
            {
                (expired ??= []).Add(shard);
            }
        }
        if (expired is null)
        {
            return;
        }
        foreach (ShardState shard in expired)
        {
            lock (stream.Shards)
            {
                stream.Shards.Remove(shard.Index);
            }
            stream.Document.Shards.Remove(shard.Document);
            _metrics.ShardRemoved(stream, shard);
        }
        Persist();
        foreach (ShardState shard in expired)
        {
            shard.Log.Dispose();
            _storage.DeleteDirectory(ShardDirectory(stream.Document, shard.Index));
        }
    }

    /// <summary>Records that arrived before this are expired: the retention period back from now, and never
    /// earlier than the cutoff that applied before the retention was last increased.</summary>
    private static long RetentionCutoffMs(StreamDocument stream, long nowMs)
        => Math.Max(nowMs - ((long)stream.RetentionHours * 3_600_000), stream.RetentionFloorMs);

    /// <summary>A closed shard whose close is older than the cutoff: all its data expired, it is no longer listed.</summary>
    private static bool IsExpired(ShardState shard, long cutoffMs) => shard.Document.ClosedMs is { } closed && closed < cutoffMs;

    private static ShardState[] SnapshotShards(StreamState stream)
    {
        lock (stream.Shards)
        {
            return [.. stream.Shards.Values];
        }
    }

    /// <summary>Finds the stream a request names, settling deletion; throws Kinesis's errors. Holds _lock.</summary>
    private StreamState Resolve(StreamRef reference)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string name = NameOf(reference);
        if (!_streams.TryGetValue(name, out StreamState? stream) || !Settle(stream))
        {
            throw StreamNotFound(name);
        }
        return stream;
    }

    private string NameOf(StreamRef reference)
    {
        string? fromArn = null;
        if (reference.Arn is { } arn)
        {
            Validation.StreamArn(arn, "streamARN");
            fromArn = arn[(arn.IndexOf(":stream/", StringComparison.Ordinal) + 8)..];
            string[] parts = arn.Split(':');
            if (parts[3] != _options.Region || parts[4] != _options.AccountId)
            {
                throw StreamNotFound(fromArn);
            }
        }
        if (reference.Name is { } name)
        {
            Validation.StreamName(name, "streamName");
            if (fromArn is not null && fromArn != name)
            {
                throw KinesisException.Invalid($"StreamARN {reference.Arn} and StreamName {name} do not refer to the same stream.");
            }
            return name;
        }
        return fromArn ?? throw KinesisException.Invalid("Either StreamName or StreamARN should be provided.");
    }

    private KinesisException StreamNotFound(string name)
        => KinesisException.NotFound($"Stream {name} under account {_options.AccountId} not found.");

    private KinesisException NotActive(StreamState stream, StreamStatus status)
        => KinesisException.InUse($"Stream {stream.Name} under account {_options.AccountId} not ACTIVE, instead in state {WireNames.Of(status)}");

    private void RequireActive(StreamState stream)
    {
        StreamStatus status = StatusOf(stream);
        if (status != StreamStatus.Active)
        {
            throw NotActive(stream, status);
        }
    }

    /// <summary>Data operations work in ACTIVE, UPDATING and DELETING; a CREATING stream is not found yet.</summary>
    private void RequireReadable(StreamState stream)
    {
        if (StatusOf(stream) == StreamStatus.Creating)
        {
            throw StreamNotFound(stream.Name);
        }
    }

    private ShardState ResolveShard(StreamState stream, string shardId, bool couldNotFindWording = false)
    {
        if (!ShardId.TryParse(shardId, out ShardId id) || !stream.Shards.TryGetValue(id.Value, out ShardState? shard))
        {
            throw KinesisException.NotFound(couldNotFindWording
                ? $"Could not find shard {shardId} in stream {stream.Name} under account {_options.AccountId}."
                : $"Shard {shardId} in stream {stream.Name} under account {_options.AccountId} does not exist");
        }
        return shard;
    }

    private static ShardDescription Describe(ShardState shard) => new(
        shard.Id,
        shard.Document.Parent is { } p ? new ShardId(p) : null,
        shard.Document.AdjacentParent is { } a ? new ShardId(a) : null,
        shard.Range,
        shard.StartingSequenceNumber,
        shard.Document.EndingCounter is { } end ? shard.SequenceOf(end) : null);

    private static int OpenShardCount(StreamState stream)
    {
        int count = 0;
        foreach (ShardState shard in stream.Shards.Values)
        {
            count += shard.IsOpen ? 1 : 0;
        }
        return count;
    }

    private int AccountOpenShards()
    {
        int count = 0;
        foreach (StreamState stream in _streams.Values)
        {
            count += OpenShardCount(stream);
        }
        return count;
    }
}
