namespace Runnel.Harness.ComparePeers;

/// <summary>What <c>compare-peers</c> runs: targets, workloads, durations, load shape, where things live.</summary>
public sealed record ComparePeersOptions
{
    /// <summary>The short run (about 8 s per workload per target) instead of the full one (about 30 s).</summary>
    public bool Quick { get; init; }

    /// <summary>Where to write the JSON results; null for none.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The targets to run (<see cref="PeerNames"/>), in run order.</summary>
    public IReadOnlyList<string> Targets { get; init; } = PeerNames.All;

    /// <summary>The workloads to run.</summary>
    public IReadOnlyList<PeerWorkload> Workloads { get; init; } = PeerWorkload.All;

    /// <summary>The timed write phase per workload per target.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Writes before the timed phase (JIT, connections, caches), read back but not in the rates.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Concurrent PutRecords callers, each with its own keep-alive connection.</summary>
    public int Callers { get; init; } = 16;

    /// <summary>Shards of the stream each workload writes.</summary>
    public int Shards { get; init; } = 4;

    /// <summary>The CLI's runnel.dll; null to find the Release build under the repository.</summary>
    public string? ServerDll { get; init; }

    /// <summary>Where the peers' npm packages are installed.</summary>
    public string CacheRoot { get; init; } = PeerInstaller.DefaultCacheRoot;

    /// <summary>Where Runnel's temporary data directories are made (and deleted).</summary>
    public string DataRoot { get; init; } = Path.GetTempPath();

    /// <summary>The longest a single call may take before it counts as failed.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
