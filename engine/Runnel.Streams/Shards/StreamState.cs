using Runnel.Streams.Capacity;
using Runnel.Streams.Catalog;
using Runnel.Streams.Metrics;

namespace Runnel.Streams.Shards;

/// <summary>
/// One stream at run time: its catalog entry, every shard it has (open and closed, not expired), and its routing
/// topology. Metadata changes happen under the engine's lock; <see cref="Topology"/> is read lock-free.
/// </summary>
internal sealed class StreamState(StreamDocument document)
{
    private StreamTopology? _topology;
    private TaskCompletionSource _topologyChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamDocument Document { get; } = document;

    public string Name => Document.Name;

    /// <summary>The shard-level metrics EnableEnhancedMonitoring turned on (the catalog's list, as flags for the
    /// put and read paths). Written under the engine's lock; read without it (a stale read reports one call late).</summary>
    public ShardLevelMetrics ShardMetrics { get; set; }

    /// <summary>The stream-level capacity of an on-demand stream (null while provisioned).</summary>
    public OnDemandCapacity? OnDemand { get; set; }

    /// <summary>Shards by index (open and closed; expired ones are removed). Changed under the engine lock and
    /// this dictionary's own lock; read under either.</summary>
    public SortedDictionary<int, ShardState> Shards { get; } = [];

    public StreamTopology Topology => Volatile.Read(ref _topology) ?? throw new InvalidOperationException("no topology yet");

    /// <summary>Completes when the topology is next replaced (puts that met a closing shard wait on it).</summary>
    public Task TopologyChanged => Volatile.Read(ref _topologyChanged).Task;

    /// <summary>Publishes a new topology of the currently open shards and wakes waiting puts.</summary>
    public void PublishTopology()
    {
        var open = new List<ShardState>();
        foreach (ShardState shard in Shards.Values)
        {
            if (shard.IsOpen)
            {
                open.Add(shard);
            }
        }
        Volatile.Write(ref _topology, new StreamTopology(open));
        TaskCompletionSource previous = Interlocked.Exchange(
            ref _topologyChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
