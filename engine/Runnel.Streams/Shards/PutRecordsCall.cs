using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Log;

namespace Runnel.Streams.Shards;

/// <summary>
/// One PutRecords call in flight: per shard, the <see cref="AppendBatch"/> its records went into; per record, where
/// it went (a batch and its index there, appended alone, or answered already) and its result. One caller thread at a
/// time (the call's own async flow).
/// </summary>
internal sealed class PutRecordsCall
{
    /// <summary><see cref="Group"/> of a record throttled or failed before reaching a log: its result is set.</summary>
    public const int AnsweredAlready = -1;

    /// <summary><see cref="Group"/> of a record appended on its own: its acknowledgement is in <see cref="Alone"/>.</summary>
    public const int AppendedAlone = -2;

    private int _lastGroup = -1;
    private int[] _planned = new int[4];

    public PutRecordsCall(int count)
    {
        Results = new PutRecordsResultEntry[count];
        Group = new int[count];
        Index = new int[count];
    }

    /// <summary>Each record's result, in request order (set for answered records, then by the engine for the rest).</summary>
    public PutRecordsResultEntry[] Results { get; }

    /// <summary>Per record: its group (shard batch) index, or <see cref="AnsweredAlready"/> / <see cref="AppendedAlone"/>.</summary>
    public int[] Group { get; }

    /// <summary>Per record in a batch: its index in that batch.</summary>
    public int[] Index { get; }

    /// <summary>Per record appended alone: its acknowledgement (awaited once); null until a record needs it.</summary>
    public ValueTask<(ShardState Shard, AppendResult Result)>[]? Alone { get; private set; }

    /// <summary>The shards written to, by group.</summary>
    public ShardState[] Shards { get; private set; } = new ShardState[4];

    /// <summary>Each group's batch.</summary>
    public AppendBatch?[] Batches { get; private set; } = new AppendBatch?[4];

    /// <summary>How many groups (shards) the call's records went to.</summary>
    public int GroupCount { get; private set; }

    /// <summary>Records answered before reaching a log, failed (throttled included).</summary>
    public int Failed { get; private set; }

    /// <summary>Records answered before reaching a log as throttled.</summary>
    public int Throttled { get; private set; }

    /// <summary>
    /// Routes every record once to count the call's records per shard, so that each shard's batch is rented for
    /// exactly its records (a batch's result array stays with its log's pool).
    /// </summary>
    public void Plan(StreamTopology topology, HashKey[] keys)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            int group = GroupOf(topology.Route(keys[i])); // first: it may grow _planned
            _planned[group]++;
        }
    }

    /// <summary>
    /// The batch of this shard, rented on the first record that goes to it (for the records <see cref="Plan"/>
    /// counted, or for <paramref name="remaining"/> when a resharding since then routes a record to a new shard). A
    /// batch at its <see cref="AppendBatch.Capacity"/> (only after such a resharding) takes no more: the caller appends
    /// the record on its own.
    /// </summary>
    public AppendBatch BatchOf(ShardState shard, int remaining)
    {
        int group = GroupOf(shard);
        _lastGroup = group;
        return Batches[group] ??= shard.Log.RentBatch(Math.Max(1, _planned[group] == 0 ? remaining : _planned[group]));
    }

    private int GroupOf(ShardState shard)
    {
        if (_lastGroup >= 0 && ReferenceEquals(Shards[_lastGroup], shard))
        {
            return _lastGroup;
        }
        for (int g = 0; g < GroupCount; g++)
        {
            if (ReferenceEquals(Shards[g], shard))
            {
                return _lastGroup = g;
            }
        }
        if (GroupCount == Shards.Length)
        {
            Shards = [.. Shards, .. new ShardState[Shards.Length]];
            Batches = [.. Batches, .. new AppendBatch?[Batches.Length]];
            _planned = [.. _planned, .. new int[_planned.Length]];
        }
        Shards[GroupCount] = shard;
        return _lastGroup = GroupCount++;
    }

    /// <summary>The record went into the batch last returned by <see cref="BatchOf"/> (same group).</summary>
    public void Added(int record, AppendBatch batch)
    {
        Group[record] = _lastGroup;
        Index[record] = batch.Count - 1;
    }

    /// <summary>The record was appended on its own.</summary>
    public void AppendAlone(int record, ValueTask<(ShardState Shard, AppendResult Result)> acknowledgement)
    {
        Alone ??= new ValueTask<(ShardState, AppendResult)>[Results.Length];
        Alone[record] = acknowledgement;
        Group[record] = AppendedAlone;
    }

    /// <summary>The record failed before reaching a log.</summary>
    public void Answer(int record, PutRecordsResultEntry result, bool throttled)
    {
        Results[record] = result;
        Group[record] = AnsweredAlready;
        Failed++;
        if (throttled)
        {
            Throttled++;
        }
    }

    /// <summary>Groups whose batch was closed (awaited once): those before this index.</summary>
    public int Closed { get; set; }

    private bool _returned;

    /// <summary>Gives every batch back to its log (after each was awaited and read).</summary>
    public void ReturnBatches()
    {
        _returned = true;
        for (int g = 0; g < GroupCount; g++)
        {
            Batches[g]?.Return();
        }
    }

    /// <summary>
    /// The call failed as a whole partway (an unexpected exception): closes the batches not closed yet, waits until the
    /// log has answered each of them (a batch's records are in its log's ring and will be committed and answered; it
    /// can go back to the pool only after that), then gives them all back. Their results are not read.
    /// </summary>
    public async ValueTask AbandonAsync()
    {
        if (_returned)
        {
            return;
        }
        for (int g = Closed; g < GroupCount; g++)
        {
            if (Batches[g] is not { } batch)
            {
                continue;
            }
            try
            {
                await batch.WhenDurableAsync().ConfigureAwait(false);
            }
            catch (LogFailedException)
            {
                // Its log failed under it: answered all the same.
            }
        }
        Closed = GroupCount;
        ReturnBatches();
    }
}
