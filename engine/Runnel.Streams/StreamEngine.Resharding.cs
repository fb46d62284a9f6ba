using Runnel.Model;
using Runnel.Streams.Catalog;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>
/// Shards: ListShards, SplitShard, MergeShards and UpdateShardCount. A resharding closes its parents (no new
/// appends, in-flight ones committed, ending sequence fixed), writes the catalog with the children, and only then
/// routes puts to the children, so per-key order holds across the lineage and a crash loses nothing acknowledged.
/// </summary>
public sealed partial class StreamEngine
{
    private const int MaxShardCountUpdatesPerDay = 10;

    /// <summary>SplitShard: the parent closes; children [start, key-1] and [key, end] open.</summary>
    public Task SplitShardAsync(StreamRef stream, string shardToSplit, string newStartingHashKey)
    {
        ArgumentNullException.ThrowIfNull(shardToSplit);
        ArgumentNullException.ThrowIfNull(newStartingHashKey);
        Throttle("SplitShard");
        Validation.Name(shardToSplit, "shardToSplit");
        Validation.HashKeyPattern(newStartingHashKey, "newStartingHashKey");
        return ReshardAsync(stream, (state, plan) =>
        {
            ShardState parent = OpenShardForResharding(state, shardToSplit);
            if (!HashKey.TryParse(newStartingHashKey, out HashKey key)
                || key.Value <= parent.Range.Start.Value + 1 || key.Value >= parent.Range.End.Value)
            {
                throw KinesisException.Invalid(
                    $"NewStartingHashKey {newStartingHashKey} used in SplitShard() on shard {parent.Id} in stream {state.Name} under account {_options.AccountId} " +
                    $"is not both greater than one plus the shard's StartingHashKey {parent.Range.Start} and less than the shard's EndingHashKey {parent.Range.End}.");
            }
            RequireShardQuota(1);
            plan.Close(parent);
            plan.Split(parent.Index, parent.Range, [key], final: true);
        });
    }

    /// <summary>MergeShards: two adjacent open shards close; one child covering both opens.</summary>
    public Task MergeShardsAsync(StreamRef stream, string shardToMerge, string adjacentShardToMerge)
    {
        ArgumentNullException.ThrowIfNull(shardToMerge);
        ArgumentNullException.ThrowIfNull(adjacentShardToMerge);
        Throttle("MergeShards");
        Validation.Name(shardToMerge, "shardToMerge");
        Validation.Name(adjacentShardToMerge, "adjacentShardToMerge");
        return ReshardAsync(stream, (state, plan) =>
        {
            ShardState first = OpenShardForResharding(state, shardToMerge);
            ShardState second = OpenShardForResharding(state, adjacentShardToMerge);
            if (first.Index == second.Index || !HashKeyRange.AreAdjacent(first.Range, second.Range))
            {
                throw KinesisException.Invalid(
                    $"Shard {second.Id} in stream {state.Name} under account {_options.AccountId} is not an adjacent shard of shard {first.Id}");
            }
            plan.Close(first);
            plan.Close(second);
            plan.Merge(first.Index, second.Index, HashKeyRange.Merge(first.Range, second.Range), final: true);
        });
    }

    /// <summary>
    /// UpdateShardCount (UNIFORM_SCALING): ends with <paramref name="targetShardCount"/> open shards of equal ranges,
    /// reached through legal splits and merges (short-lived intermediate shards close at once, as on AWS).
    /// </summary>
    public async Task<UpdateShardCountResult> UpdateShardCountAsync(StreamRef stream, int targetShardCount, string scalingType = "UNIFORM_SCALING")
    {
        Throttle("UpdateShardCount");
        Validation.Range(targetShardCount, "targetShardCount", 1, 100_000);
        if (scalingType != "UNIFORM_SCALING")
        {
            throw KinesisException.ValidationFailed(scalingType, "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]");
        }
        int current = 0;
        string name = "";
        await ReshardAsync(stream, (state, plan) =>
        {
            name = state.Name;
            List<ShardState> open = [.. state.Shards.Values.Where(s => s.IsOpen).OrderBy(s => s.Range.Start)];
            current = open.Count;
            if (targetShardCount > current * 2)
            {
                throw KinesisException.Limit(
                    $"UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current} Target shard count: {targetShardCount}");
            }
            if (targetShardCount * 2 < current)
            {
                throw KinesisException.Limit(
                    $"UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current} Target shard count: {targetShardCount}");
            }
            if (targetShardCount > 10_000)
            {
                throw KinesisException.Limit($"UpdateShardCount cannot scale above 10000 shards. Target shard count: {targetShardCount}");
            }
            long now = NowMs();
            state.Document.ShardCountUpdatesMs.RemoveAll(t => t <= now - 86_400_000);
            if (state.Document.ShardCountUpdatesMs.Count >= MaxShardCountUpdatesPerDay)
            {
                throw KinesisException.Limit(
                    $"Exceeded the limit of {MaxShardCountUpdatesPerDay} UpdateShardCount calls for stream {state.Name} under account {_options.AccountId} in a rolling 24 hour period.");
            }
            RequireShardQuota(Math.Max(0, targetShardCount - current));
            state.Document.ShardCountUpdatesMs.Add(now);
            PlanUniformScaling(plan, open, HashKeyRange.SplitEvenly(targetShardCount));
        }).ConfigureAwait(false);
        return new UpdateShardCountResult(name, StreamArn(name), current, targetShardCount);
    }

    /// <summary>ListShards with every ShardFilter type, ExclusiveStartShardId, MaxResults and NextToken.</summary>
    public ListShardsResult ListShards(ListShardsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Throttle("ListShards", request.Stream.Name ?? request.Stream.Arn ?? "");
        if (request.MaxResults is { } max)
        {
            Validation.Range(max, "maxResults", 1, 10000);
        }
        int pageSize = request.MaxResults ?? 1000;
        int afterIndex = -1;
        ShardFilterType filter = request.FilterType ?? ShardFilterType.FromTrimHorizon;
        long? filterMs = request.FilterTimestamp?.ToUnixTimeMilliseconds();
        StreamRef reference = request.Stream;
        if (request.NextToken is { } nextToken)
        {
            if (request.Stream.Name is not null)
            {
                throw KinesisException.Invalid("NextToken and StreamName cannot be provided together.");
            }
            if (request.ExclusiveStartShardId is not null)
            {
                throw KinesisException.Invalid("NextToken and ExclusiveStartShardId cannot be provided together.");
            }
            if (request.StreamCreationTimestamp is not null)
            {
                throw KinesisException.Invalid("NextToken and StreamCreationTimestamp cannot be provided together.");
            }
            ListToken token = OpenListToken(nextToken, ListToken.ShardsKind);
            string[] parts = token.After.Split('|');
            afterIndex = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            filter = (ShardFilterType)int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            filterMs = parts[2].Length == 0 ? null : long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            reference = new StreamRef(token.Scope, request.Stream.Arn);
        }
        else if (request.Stream.Name is null && request.Stream.Arn is null)
        {
            throw KinesisException.Invalid("Either NextToken or StreamName should be provided.");
        }
        if (request.ExclusiveStartShardId is { } exclusive)
        {
            Validation.Name(exclusive, "exclusiveStartShardId");
            afterIndex = ShardId.TryParse(exclusive, out ShardId start) ? start.Value : -1;
        }
        if (request.NextToken is null)
        {
            switch (filter)
            {
                case ShardFilterType.AfterShardId:
                    if (request.FilterShardId is null || !ShardId.TryParse(request.FilterShardId, out ShardId afterId))
                    {
                        throw KinesisException.Invalid("ShardFilter of type AFTER_SHARD_ID requires a valid ShardId.");
                    }
                    afterIndex = Math.Max(afterIndex, afterId.Value);
                    break;
                case ShardFilterType.AtTimestamp or ShardFilterType.FromTimestamp when filterMs is null:
                    throw KinesisException.Invalid($"ShardFilter of type {FilterName(filter)} requires a Timestamp.");
            }
        }

        lock (_lock)
        {
            StreamState state = Resolve(reference);
            if (StatusOf(state) == StreamStatus.Creating)
            {
                throw NotActive(state, StreamStatus.Creating);
            }
            if (request.StreamCreationTimestamp is { } created && created.ToUnixTimeMilliseconds() / 1000 != state.Document.CreatedMs / 1000)
            {
                throw StreamNotFound(state.Name);
            }
            long now = NowMs();
            long cutoff = RetentionCutoffMs(state.Document, now);
            long trimHorizon = Math.Max(cutoff, state.Document.CreatedMs);
            var page = new List<ShardDescription>();
            bool more = false;
            foreach (ShardState shard in state.Shards.Values)
            {
                if (shard.Index <= afterIndex || IsExpired(shard, cutoff)
                    || !Matches(shard.Document, filter, filterMs, trimHorizon, state.Document.CreatedMs))
                {
                    continue;
                }
                if (page.Count == pageSize)
                {
                    more = true;
                    break;
                }
                page.Add(Describe(shard));
            }
            string? next = null;
            if (more)
            {
                string after = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{page[^1].ShardId.Value}|{(int)filter}|{filterMs}");
                next = new ListToken(ListToken.ShardsKind, now, pageSize, state.Name, after).Encode(_signer);
            }
            return new ListShardsResult(page, next);
        }
    }

    /// <summary>
    /// On-demand scaling: splits, at the middle of its range, every shard of an on-demand stream whose write rate
    /// stayed above the split threshold (kinesis-api.md 5.2: above 500 KB/s, split within about 15 minutes).
    /// </summary>
    private async Task ScaleOnDemandAsync(StreamState stream)
    {
        if (stream.OnDemand is not { } capacity)
        {
            return;
        }
        foreach (int index in capacity.ShardsToSplit())
        {
            ShardState? shard;
            lock (_lock)
            {
                if (!stream.Shards.TryGetValue(index, out shard) || !shard.IsOpen
                    || shard.Range.End.Value - shard.Range.Start.Value < 4)
                {
                    continue;
                }
            }
            var middle = new HashKey(shard.Range.Start.Value + ((shard.Range.End.Value - shard.Range.Start.Value) / 2) + 1);
            await ReshardAsync(StreamRef.Named(stream.Name), (state, plan) =>
            {
                if (shard.IsOpen && !shard.IsClosing)
                {
                    RequireShardQuota(1);
                    plan.Close(shard);
                    plan.Split(shard.Index, shard.Range, [middle], final: true);
                }
            }, onDemandScaling: true).ConfigureAwait(false);
            capacity.ForgetShard(index);
        }
    }

    private static bool Matches(ShardDocument shard, ShardFilterType filter, long? filterMs, long trimHorizon, long streamCreatedMs)
    {
        long created = shard.CreatedMs;
        long? closed = shard.ClosedMs;
        switch (filter)
        {
            case ShardFilterType.AtLatest:
                return closed is null;
            case ShardFilterType.AtTrimHorizon:
                return created <= trimHorizon && (closed is null || closed > trimHorizon);
            case ShardFilterType.AtTimestamp:
                long at = Math.Max(filterMs!.Value, streamCreatedMs);
                return created <= at && (closed is null || closed >= at);
            case ShardFilterType.FromTimestamp:
                long from = Math.Max(filterMs!.Value, trimHorizon);
                return closed is null || closed >= from;
            default:
                return true; // FROM_TRIM_HORIZON and AFTER_SHARD_ID: every shard still kept
        }
    }

    private static string FilterName(ShardFilterType filter) => filter switch
    {
        ShardFilterType.AtTimestamp => "AT_TIMESTAMP",
        ShardFilterType.FromTimestamp => "FROM_TIMESTAMP",
        _ => filter.ToString(),
    };

    private ShardState OpenShardForResharding(StreamState state, string shardId)
    {
        ShardState shard = ResolveShard(state, shardId, couldNotFindWording: true);
        if (!shard.IsOpen)
        {
            throw KinesisException.InUse(
                $"Shard {shard.Id} in stream {state.Name} under account {_options.AccountId} has already been merged or split, and thus is not eligible for merging or splitting.");
        }
        return shard;
    }

    private void RequireShardQuota(int additional)
    {
        int open = AccountOpenShards();
        if (open + additional > _options.ShardLimit)
        {
            throw KinesisException.Limit(
                $"This request would exceed the shard limit for the account {_options.AccountId} in {_options.Region}. " +
                $"Current shard count for the account: {open}. Limit: {_options.ShardLimit}. " +
                $"Number of additional shards that would have resulted from this request: {additional}. " +
                "Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) " +
                "for current limits and how to request higher limits.");
        }
    }

    /// <summary>
    /// Plans uniform scaling: split every old shard at the target boundaries inside it, then merge the pieces of
    /// each target range left to right. Old shards that already equal a target range stay open.
    /// </summary>
    private static void PlanUniformScaling(ReshardPlan plan, List<ShardState> open, HashKeyRange[] targets)
    {
        // Pieces in hash order: (index of an existing or planned shard, its range).
        var pieces = new List<(int Index, HashKeyRange Range, bool Planned)>();
        int target = 0;
        foreach (ShardState shard in open)
        {
            var cuts = new List<HashKey>();
            for (int t = 0; t < targets.Length; t++)
            {
                HashKey boundary = targets[t].Start;
                if (boundary.Value > shard.Range.Start.Value && boundary.Value <= shard.Range.End.Value)
                {
                    cuts.Add(boundary);
                }
            }
            if (cuts.Count == 0)
            {
                pieces.Add((shard.Index, shard.Range, false));
                continue;
            }
            plan.Close(shard);
            foreach ((int index, HashKeyRange range) in plan.Split(shard.Index, shard.Range, cuts, final: false))
            {
                pieces.Add((index, range, true));
            }
        }
        int p = 0;
        for (target = 0; target < targets.Length; target++)
        {
            HashKeyRange goal = targets[target];
            (int index, HashKeyRange range, bool planned) = pieces[p++];
            if (range.End.Value == goal.End.Value)
            {
                if (planned)
                {
                    plan.MarkFinal(index);
                }
                continue;
            }
            if (!planned)
            {
                plan.CloseIndex(index);
            }
            while (range.End.Value != goal.End.Value)
            {
                (int nextIndex, HashKeyRange nextRange, bool nextPlanned) = pieces[p++];
                if (!nextPlanned)
                {
                    plan.CloseIndex(nextIndex);
                }
                HashKeyRange merged = HashKeyRange.Merge(range, nextRange);
                bool final = merged.End.Value == goal.End.Value;
                index = plan.Merge(index, nextIndex, merged, final);
                range = merged;
            }
        }
    }

    /// <summary>Runs a resharding: validate and plan under the lock, close parents outside it, then commit.</summary>
    private async Task ReshardAsync(StreamRef stream, Action<StreamState, ReshardPlan> planner, bool onDemandScaling = false)
    {
        await _reshardGate.WaitAsync().ConfigureAwait(false);
        try
        {
            StreamState state;
            ReshardPlan plan;
            lock (_lock)
            {
                state = Resolve(stream);
                if (onDemandScaling)
                {
                    if (StatusOf(state) is StreamStatus.Creating or StreamStatus.Deleting)
                    {
                        return;
                    }
                }
                else
                {
                    RequireActive(state);
                }
                if (!onDemandScaling && ModeOf(state.Document) == StreamMode.OnDemand)
                {
                    throw new KinesisException(KinesisErrorCode.Validation,
                        $"Stream {state.Name} under account {_options.AccountId} is in ON_DEMAND mode; resharding operations are only supported in PROVISIONED mode.");
                }
                plan = new ReshardPlan(state);
                planner(state, plan);
            }

            var endings = new ulong[plan.ToClose.Count];
            for (int i = 0; i < endings.Length; i++)
            {
                endings[i] = await plan.ToClose[i].CloseAsync().ConfigureAwait(false);
            }

            lock (_lock)
            {
                int previousNextIndex = state.Document.NextShardIndex;
                List<ShardDocument>? created = null;
                try
                {
                    long now = NowMs();
                    for (int i = 0; i < endings.Length; i++)
                    {
                        plan.ToClose[i].Document.EndingCounter = endings[i];
                        plan.ToClose[i].Document.ClosedMs = now;
                    }
                    created = plan.Materialise(state.Document, now);
                    if (!onDemandScaling)
                    {
                        state.Document.UpdatingUntilMs = now + (long)_options.UpdateStreamDelay.TotalMilliseconds;
                    }
                    Persist();
                    foreach (ShardDocument document in created)
                    {
                        lock (state.Shards)
                        {
                            state.Shards.Add(document.Index, OpenShard(state.Document, document));
                        }
                    }
                    foreach (ShardState shard in plan.ToClose)
                    {
                        // Closed for good: its gate lets no append in, and every started one is committed, so the
                        // ring's 1 MiB goes back (a stream resharded for days would otherwise keep one per parent).
                        shard.Log.ReleaseAppendBuffer();
                    }
                }
                catch
                {
                    foreach (ShardDocument document in created ?? [])
                    {
                        state.Document.Shards.Remove(document);
                        lock (state.Shards)
                        {
                            state.Shards.Remove(document.Index);
                        }
                    }
                    state.Document.NextShardIndex = previousNextIndex;
                    foreach (ShardState shard in plan.ToClose)
                    {
                        shard.Document.EndingCounter = null;
                        shard.Document.ClosedMs = null;
                        shard.AbortClose();
                    }
                    throw;
                }
                finally
                {
                    // Puts that met a closing shard wait for this, whether the resharding landed or not.
                    state.PublishTopology();
                }
            }
        }
        finally
        {
            _reshardGate.Release();
        }
    }

    /// <summary>The indexes of a stream's shards whose log holds its append ring's buffer (for tests: closed shards hold none).</summary>
    internal IReadOnlyList<int> ShardsHoldingAppendBuffers(string streamName)
    {
        lock (_lock)
        {
            StreamState state = _streams[streamName];
            lock (state.Shards)
            {
                return [.. state.Shards.Values.Where(s => s.Log.HoldsAppendBuffer).Select(s => s.Index)];
            }
        }
    }
}
