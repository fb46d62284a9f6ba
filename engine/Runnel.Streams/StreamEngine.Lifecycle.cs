using System.Security.Cryptography;
using Runnel.Model;
using Runnel.Streams.Catalog;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Metrics;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>Stream lifecycle and metadata: create, delete, describe, list, retention, tags, monitoring,
/// encryption settings, capacity mode and record size.</summary>
public sealed partial class StreamEngine
{
    private const int MaxTagsPerStream = 50;
    private const int OnDemandInitialShards = 4;

    private static readonly string[] s_shardLevelMetrics =
    [
        "IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
        "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
    ];

    /// <summary>CreateStream: returns at once; the stream is CREATING for the configured delay, then ACTIVE.</summary>
    public void CreateStream(
        string streamName,
        int? shardCount = null,
        StreamMode? mode = null,
        IReadOnlyDictionary<string, string>? tags = null,
        int? maxRecordSizeInKiB = null)
    {
        Throttle("CreateStream");
        ArgumentNullException.ThrowIfNull(streamName);
        Validation.StreamName(streamName, "streamName");
        if (shardCount is { } requested)
        {
            Validation.Range(requested, "shardCount", 1, 1_000_000);
        }
        if (maxRecordSizeInKiB is { } size)
        {
            Validation.Range(size, "maxRecordSizeInKiB", 1024, 10240);
        }
        StreamMode effectiveMode = mode ?? (shardCount.HasValue ? StreamMode.Provisioned : StreamMode.OnDemand);
        if (effectiveMode == StreamMode.OnDemand && shardCount.HasValue)
        {
            throw new KinesisException(KinesisErrorCode.Validation, "ShardCount is not expected when StreamMode=ON_DEMAND");
        }
        if (effectiveMode == StreamMode.Provisioned && !shardCount.HasValue)
        {
            throw new KinesisException(KinesisErrorCode.Validation, "ShardCount is required when StreamMode=PROVISIONED");
        }
        int count = shardCount ?? OnDemandInitialShards;
        if (tags is not null)
        {
            ValidateTags(tags);
            if (tags.Count > MaxTagsPerStream)
            {
                throw TooManyTags(streamName);
            }
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.TryGetValue(streamName, out StreamState? existing) && Settle(existing))
            {
                throw KinesisException.InUse($"Stream {streamName} under account {_options.AccountId} already exists.");
            }
            int open = AccountOpenShards();
            if (effectiveMode == StreamMode.Provisioned && open + count > _options.ShardLimit)
            {
                throw KinesisException.Limit(
                    $"This request would exceed the shard limit for the account {_options.AccountId} in {_options.Region}. " +
                    $"Current shard count for the account: {open}. Limit: {_options.ShardLimit}. " +
                    $"Number of additional shards that would have resulted from this request: {count}. " +
                    "Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) " +
                    "for current limits and how to request higher limits.");
            }
            int creating = _streams.Values.Count(s => StatusOf(s) == StreamStatus.Creating);
            if (creating >= 5)
            {
                throw KinesisException.Limit(
                    $"The maximum number of streams in CREATING state for account {_options.AccountId} is 5. Please wait and retry.");
            }
            if (effectiveMode == StreamMode.OnDemand
                && _streams.Values.Count(s => s.Document.Mode == "ON_DEMAND") >= _options.OnDemandStreamLimit)
            {
                throw KinesisException.Limit(
                    $"This request would exceed the on-demand stream limit of {_options.OnDemandStreamLimit} for the account {_options.AccountId} in {_options.Region}.");
            }

            long now = NowMs();
            var document = new StreamDocument
            {
                Name = streamName,
                Tag = NewStreamTag(),
                CreatedMs = now,
                ActiveAtMs = now + (long)_options.CreateStreamDelay.TotalMilliseconds,
                Mode = WireNames.Of(effectiveMode),
                MaxRecordSizeInKiB = maxRecordSizeInKiB ?? 1024,
            };
            if (tags is not null)
            {
                foreach ((string key, string value) in tags)
                {
                    document.Tags[key] = value;
                }
            }
            HashKeyRange[] ranges = HashKeyRange.SplitEvenly(count);
            for (int i = 0; i < ranges.Length; i++)
            {
                document.Shards.Add(NewShardDocument(document, ranges[i], now, null, null));
            }
            _catalog.Streams.Add(document);
            Persist();
            Attach(document);
        }
    }

    /// <summary>DeleteStream: the stream is DELETING for the configured delay, then gone with its data.</summary>
    public void DeleteStream(StreamRef stream, bool enforceConsumerDeletion = false)
    {
        Throttle("DeleteStream");
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            StreamStatus status = StatusOf(state);
            if (status == StreamStatus.Deleting)
            {
                return;
            }
            if (status == StreamStatus.Creating)
            {
                throw NotActive(state, status);
            }
            if (!enforceConsumerDeletion && state.Document.Consumers.Count > 0)
            {
                throw KinesisException.InUse(
                    $"Stream {state.Name} under account {_options.AccountId} has registered consumers. " +
                    "Deregister them first or set EnforceConsumerDeletion.");
            }
            state.Document.DeletingUntilMs = NowMs() + (long)_options.DeleteStreamDelay.TotalMilliseconds;
            Persist();
            Settle(state);
        }
    }

    /// <summary>DescribeStream: the stream and a page of its shards (open and closed, not expired).</summary>
    public StreamDescription DescribeStream(StreamRef stream, int? limit = null, string? exclusiveStartShardId = null)
    {
        Throttle("DescribeStream");
        if (limit is { } l)
        {
            Validation.Range(l, "limit", 1, 10000);
        }
        if (exclusiveStartShardId is not null)
        {
            Validation.Name(exclusiveStartShardId, "exclusiveStartShardId");
        }
        int pageSize = Math.Min(limit ?? 100, 100);
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            StreamStatus status = StatusOf(state);
            var shards = new List<ShardDescription>();
            bool hasMore = false;
            if (status != StreamStatus.Creating)
            {
                int after = -1;
                if (exclusiveStartShardId is not null && ShardId.TryParse(exclusiveStartShardId, out ShardId start))
                {
                    after = start.Value;
                }
                long cutoff = RetentionCutoffMs(state.Document, NowMs());
                foreach (ShardState shard in state.Shards.Values)
                {
                    if (shard.Index <= after || IsExpired(shard, cutoff))
                    {
                        continue;
                    }
                    if (shards.Count == pageSize)
                    {
                        hasMore = true;
                        break;
                    }
                    shards.Add(Describe(shard));
                }
            }
            StreamDocument d = state.Document;
            return new StreamDescription(d.Name, StreamArn(d.Name), status, ModeOf(d), shards, hasMore, d.RetentionHours,
                DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedMs), [.. d.ShardLevelMetrics], d.EncryptionType, d.KeyId);
        }
    }

    /// <summary>DescribeStreamSummary.</summary>
    public StreamSummary DescribeStreamSummary(StreamRef stream)
    {
        Throttle("DescribeStreamSummary");
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            StreamDocument d = state.Document;
            return new StreamSummary(d.Name, StreamArn(d.Name), StatusOf(state), ModeOf(d), d.RetentionHours,
                DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedMs), [.. d.ShardLevelMetrics], d.EncryptionType, d.KeyId,
                OpenShardCount(state), d.Consumers.Count, d.MaxRecordSizeInKiB);
        }
    }

    /// <summary>ListStreams: names in lexicographic order, paged by ExclusiveStartStreamName or NextToken.</summary>
    public ListStreamsResult ListStreams(int? limit = null, string? exclusiveStartStreamName = null, string? nextToken = null)
    {
        Throttle("ListStreams");
        if (limit is { } l)
        {
            Validation.Range(l, "limit", 1, 10000);
        }
        if (exclusiveStartStreamName is not null)
        {
            Validation.StreamName(exclusiveStartStreamName, "exclusiveStartStreamName");
        }
        string? after = exclusiveStartStreamName;
        if (nextToken is not null)
        {
            after = OpenListToken(nextToken, ListToken.StreamsKind).After;
        }
        int pageSize = Math.Min(limit ?? 100, 100);
        lock (_lock)
        {
            var page = new List<StreamListing>();
            bool more = false;
            foreach (StreamState state in _streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray())
            {
                if (!Settle(state) || (after is not null && string.CompareOrdinal(state.Name, after) <= 0))
                {
                    continue;
                }
                if (page.Count == pageSize)
                {
                    more = true;
                    break;
                }
                StreamDocument d = state.Document;
                page.Add(new StreamListing(d.Name, StreamArn(d.Name), StatusOf(state), ModeOf(d), DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedMs)));
            }
            string? token = more
                ? new ListToken(ListToken.StreamsKind, NowMs(), pageSize, "", page[^1].StreamName).Encode(_signer)
                : null;
            return new ListStreamsResult(page, more, token);
        }
    }

    /// <summary>DescribeLimits: the account's shard limit and usage.</summary>
    public StreamLimits DescribeLimits()
    {
        Throttle("DescribeLimits");
        lock (_lock)
        {
            return new StreamLimits(_options.ShardLimit, AccountOpenShards(),
                _streams.Values.Count(s => s.Document.Mode == "ON_DEMAND"), _options.OnDemandStreamLimit);
        }
    }

    /// <summary>IncreaseStreamRetentionPeriod (24..8760 hours, not below the current value).</summary>
    public void IncreaseStreamRetentionPeriod(StreamRef stream, int retentionPeriodHours)
        => ChangeRetention(stream, retentionPeriodHours, increase: true);

    /// <summary>DecreaseStreamRetentionPeriod (24..8760 hours, not above the current value).</summary>
    public void DecreaseStreamRetentionPeriod(StreamRef stream, int retentionPeriodHours)
        => ChangeRetention(stream, retentionPeriodHours, increase: false);

    private void ChangeRetention(StreamRef stream, int hours, bool increase)
    {
        Throttle("IncreaseStreamRetentionPeriod");
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            if (hours < 24)
            {
                throw KinesisException.Invalid($"Minimum allowed retention period is 24 hours. Requested retention period ({hours} hours) is too short.");
            }
            if (hours > 8760)
            {
                throw KinesisException.Invalid($"Maximum allowed retention period is 8760 hours. Requested retention period ({hours} hours) is too long.");
            }
            int current = state.Document.RetentionHours;
            if (increase && hours < current)
            {
                throw KinesisException.Invalid(
                    $"Requested retention period ({hours} hours) for stream {state.Name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API.");
            }
            if (!increase && hours > current)
            {
                throw KinesisException.Invalid(
                    $"Requested retention period ({hours} hours) for stream {state.Name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API.");
            }
            if (hours > current)
            {
                state.Document.RetentionFloorMs = RetentionCutoffMs(state.Document, NowMs());
            }
            state.Document.RetentionHours = hours;
            Persist();
        }
    }

    /// <summary>AddTagsToStream: upsert; at most 50 tags per stream.</summary>
    public void AddTagsToStream(StreamRef stream, IReadOnlyDictionary<string, string> tags)
    {
        Throttle("AddTagsToStream");
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            throw KinesisException.ValidationFailed("{}", "tags", "Member must have length greater than or equal to 1");
        }
        ValidateTags(tags);
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            int after = state.Document.Tags.Count + tags.Keys.Count(k => !state.Document.Tags.ContainsKey(k));
            if (after > MaxTagsPerStream)
            {
                throw TooManyTags(state.Name);
            }
            foreach ((string key, string value) in tags)
            {
                state.Document.Tags[key] = value;
            }
            Persist();
        }
    }

    /// <summary>RemoveTagsFromStream: unknown keys are ignored.</summary>
    public void RemoveTagsFromStream(StreamRef stream, IReadOnlyList<string> tagKeys)
    {
        Throttle("RemoveTagsFromStream");
        ArgumentNullException.ThrowIfNull(tagKeys);
        Validation.Range(tagKeys.Count, "tagKeys", 1, 50);
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            foreach (string key in tagKeys)
            {
                state.Document.Tags.Remove(key);
            }
            Persist();
        }
    }

    /// <summary>ListTagsForStream: keys in order, paged by ExclusiveStartTagKey.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>> Tags, bool HasMoreTags) ListTagsForStream(
        StreamRef stream, string? exclusiveStartTagKey = null, int? limit = null)
    {
        Throttle("ListTagsForStream");
        if (limit is { } l)
        {
            Validation.Range(l, "limit", 1, 50);
        }
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            var page = new List<KeyValuePair<string, string>>();
            bool more = false;
            int size = limit ?? 50;
            foreach (KeyValuePair<string, string> tag in state.Document.Tags)
            {
                if (exclusiveStartTagKey is not null && string.CompareOrdinal(tag.Key, exclusiveStartTagKey) <= 0)
                {
                    continue;
                }
                if (page.Count == size)
                {
                    more = true;
                    break;
                }
                page.Add(tag);
            }
            return (page, more);
        }
    }

    /// <summary>EnableEnhancedMonitoring: adds shard-level metrics ("ALL" means all seven).</summary>
    public MonitoringChange EnableEnhancedMonitoring(StreamRef stream, IReadOnlyList<string> shardLevelMetrics)
        => ChangeMonitoring(stream, shardLevelMetrics, enable: true);

    /// <summary>DisableEnhancedMonitoring: removes shard-level metrics ("ALL" means all seven).</summary>
    public MonitoringChange DisableEnhancedMonitoring(StreamRef stream, IReadOnlyList<string> shardLevelMetrics)
        => ChangeMonitoring(stream, shardLevelMetrics, enable: false);

    private MonitoringChange ChangeMonitoring(StreamRef stream, IReadOnlyList<string> metrics, bool enable)
    {
        Throttle("EnableEnhancedMonitoring");
        ArgumentNullException.ThrowIfNull(metrics);
        Validation.Range(metrics.Count, "shardLevelMetrics", 1, 7);
        var requested = new HashSet<string>(StringComparer.Ordinal);
        foreach (string metric in metrics)
        {
            if (metric == "ALL")
            {
                requested.UnionWith(s_shardLevelMetrics);
            }
            else if (Array.IndexOf(s_shardLevelMetrics, metric) >= 0)
            {
                requested.Add(metric);
            }
            else
            {
                throw KinesisException.ValidationFailed(metric, "shardLevelMetrics",
                    $"Member must satisfy enum value set: [{string.Join(", ", s_shardLevelMetrics)}, ALL]");
            }
        }
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            List<string> current = [.. state.Document.ShardLevelMetrics];
            var desired = new HashSet<string>(current, StringComparer.Ordinal);
            if (enable)
            {
                desired.UnionWith(requested);
            }
            else
            {
                desired.ExceptWith(requested);
            }
            state.Document.ShardLevelMetrics = [.. s_shardLevelMetrics.Where(desired.Contains)];
            Persist();
            ShardLevelMetrics before = state.ShardMetrics;
            state.ShardMetrics = ParseShardLevelMetrics(state.Document.ShardLevelMetrics);
            _metrics.ShardMetricsChanged(state, before);
            return new MonitoringChange(state.Name, StreamArn(state.Name), current, [.. state.Document.ShardLevelMetrics]);
        }
    }

    /// <summary>The catalog's list of shard-level metric names as flags (names the enum does not know are ignored).</summary>
    private static ShardLevelMetrics ParseShardLevelMetrics(List<string> names)
    {
        ShardLevelMetrics flags = ShardLevelMetrics.None;
        foreach (string name in names)
        {
            flags |= KinesisMetricNames.ShardLevelFlag(name);
        }
        return flags;
    }

    /// <summary>StartStreamEncryption: records written from now on are encrypted at rest (AES-256-GCM under data keys
    /// wrapped by the master key <paramref name="keyId"/> names: key id, key ARN, alias or alias ARN; see
    /// <see cref="KeyService"/>). Records written before stay as they were. KMSNotFoundException or
    /// KMSDisabledException when the key cannot be used.</summary>
    public void StartStreamEncryption(StreamRef stream, string encryptionType, string keyId)
        => ChangeEncryption(stream, encryptionType, keyId, start: true);

    /// <summary>StopStreamEncryption: records written from now on are stored in clear; encrypted ones stay readable.</summary>
    public void StopStreamEncryption(StreamRef stream, string encryptionType, string keyId)
        => ChangeEncryption(stream, encryptionType, keyId, start: false);

    private void ChangeEncryption(StreamRef stream, string encryptionType, string keyId, bool start)
    {
        Throttle("StartStreamEncryption");
        ArgumentNullException.ThrowIfNull(encryptionType);
        ArgumentNullException.ThrowIfNull(keyId);
        if (encryptionType is not ("KMS" or "NONE"))
        {
            throw KinesisException.ValidationFailed(encryptionType, "encryptionType", "Member must satisfy enum value set: [KMS, NONE]");
        }
        Validation.Length(keyId, "keyId", 1, 2048);
        if (encryptionType != "KMS")
        {
            throw KinesisException.Invalid($"Encryption type {encryptionType} is not supported. Only KMS is supported.");
        }
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            if (start)
            {
                _keys.ForEncryption(keyId); // KMSNotFoundException / KMSDisabledException, as Kinesis checks the key
            }
            state.Document.EncryptionType = start ? "KMS" : "NONE";
            state.Document.KeyId = start ? keyId : null;
            state.Document.UpdatingUntilMs = NowMs() + (long)_options.UpdateStreamDelay.TotalMilliseconds;
            Persist();
        }
    }

    /// <summary>UpdateStreamMode: at most two switches per stream per rolling 24 hours; the shard count is kept.</summary>
    public void UpdateStreamMode(string streamArn, StreamMode mode)
    {
        Throttle("UpdateStreamMode");
        ArgumentNullException.ThrowIfNull(streamArn);
        lock (_lock)
        {
            StreamState state = Resolve(new StreamRef(null, streamArn));
            RequireActive(state);
            if (ModeOf(state.Document) == mode)
            {
                throw KinesisException.InUse(
                    $"Stream {state.Name} under account {_options.AccountId} is already in {WireNames.Of(mode)} mode.");
            }
            long now = NowMs();
            state.Document.ModeSwitchesMs.RemoveAll(t => t <= now - 86_400_000);
            if (state.Document.ModeSwitchesMs.Count >= 2)
            {
                throw KinesisException.Limit(
                    $"Stream {state.Name} under account {_options.AccountId} has already switched capacity mode twice in the last 24 hours.");
            }
            state.Document.ModeSwitchesMs.Add(now);
            state.Document.Mode = WireNames.Of(mode);
            EnsureCapacityModel(state, switched: true);
            state.Document.UpdatingUntilMs = now + (long)_options.UpdateStreamDelay.TotalMilliseconds;
            Persist();
        }
    }

    /// <summary>UpdateMaxRecordSize: 1024..10240 KiB; applies to new writes.</summary>
    public void UpdateMaxRecordSize(StreamRef stream, int maxRecordSizeInKiB)
    {
        Throttle("UpdateMaxRecordSize");
        Validation.Range(maxRecordSizeInKiB, "maxRecordSizeInKiB", 1024, 10240);
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            state.Document.MaxRecordSizeInKiB = maxRecordSizeInKiB;
            Persist();
        }
    }

    private static StreamMode ModeOf(StreamDocument document)
        => document.Mode == "ON_DEMAND" ? StreamMode.OnDemand : StreamMode.Provisioned;

    private KinesisException TooManyTags(string streamName)
        => KinesisException.Invalid(
            $"Failed to add tags to stream {streamName} under account {_options.AccountId} because a given stream cannot have more than {MaxTagsPerStream} tags associated with it.");

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags)
    {
        foreach ((string key, string value) in tags)
        {
            Validation.Length(key, "tags", 1, 128);
            Validation.Length(value, "tags", 0, 256);
            if (!IsTagText(key) || !IsTagText(value))
            {
                throw KinesisException.Invalid(
                    "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.");
            }
        }
    }

    private static bool IsTagText(string text)
    {
        foreach (char c in text)
        {
            if (!(char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || c is '_' or '.' or '/' or '=' or '+' or '-' or '%' or '@' or ':'))
            {
                return false;
            }
        }
        return true;
    }

    private uint NewStreamTag()
    {
        while (true)
        {
            uint tag = (uint)RandomNumberGenerator.GetInt32(1, (int)SequenceNumber.MaxStreamTag + 1);
            if (!_catalog.Streams.Exists(s => s.Tag == tag))
            {
                return tag;
            }
        }
    }

    private static ShardDocument NewShardDocument(StreamDocument stream, HashKeyRange range, long nowMs, int? parent, int? adjacentParent)
        => new()
        {
            Index = stream.NextShardIndex++,
            StartingHashKey = range.Start.ToString(),
            EndingHashKey = range.End.ToString(),
            Parent = parent,
            AdjacentParent = adjacentParent,
            CreatedMs = nowMs,
            CreatedSeconds = nowMs / 1000,
        };

    private ListToken OpenListToken(string token, byte kind)
    {
        Validation.Length(token, "nextToken", 1, 1_048_576);
        if (!ListToken.TryDecode(_signer, token, kind, out ListToken decoded))
        {
            throw KinesisException.Invalid($"Invalid NextToken.");
        }
        if (NowMs() - decoded.IssuedMs > 300_000)
        {
            throw new KinesisException(KinesisErrorCode.ExpiredNextToken, $"The NextToken has expired. Tokens are valid for 300 seconds.");
        }
        return decoded;
    }
}
