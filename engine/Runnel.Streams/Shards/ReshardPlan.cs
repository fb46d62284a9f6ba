using Runnel.Model;
using Runnel.Streams.Catalog;

namespace Runnel.Streams.Shards;

/// <summary>
/// The shards a resharding closes and creates, as legal pairwise splits and merges: a split child names its
/// parent; a merge child names both parents. Planned shards get their indices in creation order; those not
/// marked final are intermediate and close at once (empty), as AWS's short-lived shards do. Used under the
/// engine's lock; not thread-safe.
/// </summary>
internal sealed class ReshardPlan(StreamState stream)
{
    private readonly List<Planned> _planned = [];
    private readonly List<ShardState> _toClose = [];
    private int _nextIndex = stream.Document.NextShardIndex;

    /// <summary>Existing open shards to close, in the order given.</summary>
    public IReadOnlyList<ShardState> ToClose => _toClose;

    public void Close(ShardState shard)
    {
        if (!_toClose.Contains(shard))
        {
            _toClose.Add(shard);
        }
    }

    /// <summary>Closes an existing shard by index (no-op for planned shards, which close by not being final).</summary>
    public void CloseIndex(int index)
    {
        if (index < stream.Document.NextShardIndex && stream.Shards.TryGetValue(index, out ShardState? shard))
        {
            Close(shard);
        }
    }

    /// <summary>Splits <paramref name="parent"/> at each cut in turn; returns the resulting pieces in hash order.</summary>
    public List<(int Index, HashKeyRange Range)> Split(int parent, HashKeyRange range, IReadOnlyList<HashKey> cuts, bool final)
    {
        var pieces = new List<(int, HashKeyRange)>();
        int current = parent;
        HashKeyRange rest = range;
        foreach (HashKey cut in cuts)
        {
            if (current != parent)
            {
                MarkIntermediate(current); // an upper piece split again never opens
            }
            var lower = new HashKeyRange(rest.Start, new HashKey(cut.Value - 1));
            var upper = new HashKeyRange(cut, rest.End);
            int lowerIndex = Add(lower, current, null, final);
            int upperIndex = Add(upper, current, null, final);
            pieces.Add((lowerIndex, lower));
            current = upperIndex;
            rest = upper;
        }
        pieces.Add((current, rest));
        return pieces;
    }

    /// <summary>Merges two adjacent shards (existing or planned) into a new planned shard; returns its index.</summary>
    public int Merge(int first, int second, HashKeyRange range, bool final)
    {
        MarkIntermediate(first);
        MarkIntermediate(second);
        return Add(range, first, second, final);
    }

    public void MarkFinal(int index) => _planned.Find(p => p.Index == index)!.Final = true;

    /// <summary>Writes the planned shards into the catalog entry; returns them (open ones and closed intermediates).</summary>
    public List<ShardDocument> Materialise(StreamDocument document, long nowMs)
    {
        var created = new List<ShardDocument>();
        foreach (Planned p in _planned)
        {
            var shard = new ShardDocument
            {
                Index = p.Index,
                StartingHashKey = p.Range.Start.ToString(),
                EndingHashKey = p.Range.End.ToString(),
                Parent = p.Parent,
                AdjacentParent = p.AdjacentParent,
                CreatedMs = nowMs,
                CreatedSeconds = nowMs / 1000,
                EndingCounter = p.Final ? null : 0,
                ClosedMs = p.Final ? null : nowMs,
            };
            document.Shards.Add(shard);
            created.Add(shard);
        }
        document.NextShardIndex = _nextIndex;
        return created;
    }

    private int Add(HashKeyRange range, int parent, int? adjacentParent, bool final)
    {
        int index = _nextIndex++;
        _planned.Add(new Planned { Index = index, Range = range, Parent = parent, AdjacentParent = adjacentParent, Final = final });
        return index;
    }

    private void MarkIntermediate(int index)
    {
        Planned? planned = _planned.Find(p => p.Index == index);
        if (planned is not null)
        {
            planned.Final = false;
        }
    }

    private sealed class Planned
    {
        public int Index { get; init; }

        public HashKeyRange Range { get; init; }

        public int Parent { get; init; }

        public int? AdjacentParent { get; init; }

        public bool Final { get; set; }
    }
}
