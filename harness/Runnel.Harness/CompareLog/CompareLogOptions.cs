using Runnel.Storage.IoUring;

namespace Runnel.Harness.CompareLog;

/// <summary>What <c>compare-log</c> runs: durations, device, where the data goes, where the JSON goes.</summary>
public sealed record CompareLogOptions
{
    /// <summary>The default data path; each run makes (and deletes) a temporary directory under it.</summary>
    public const string DefaultDataPath = "/tmp/runnel-compare-log";

    /// <summary>The short run (about 8 s per engine per case) instead of the full one (about 30 s).</summary>
    public bool Quick { get; init; }

    /// <summary>Where to write the JSON results; null for none.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Also draw the results into this chart (.svg or .png); null draws none.</summary>
    public string? ChartPath { get; init; }

    /// <summary>The directory under which the temporary data directory is made.</summary>
    public string DataPath { get; init; } = DefaultDataPath;

    /// <summary>Runnel's device: io_uring, portable, or chosen by the probe.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Runnel's io_uring device opens its files with O_DIRECT.</summary>
    public bool Direct { get; init; }

    /// <summary>Runnel's io_uring device submits each file's write and fdatasync chains to the ring instead of running them as syscalls.</summary>
    public bool ChainsOnRing { get; init; }

    /// <summary>
    /// Runnel's append ring in MiB (<see cref="Storage.Log.ShardLogOptions.AppendRingBytes"/>; default 1, the server's, against
    /// FasterLog's 64 MiB in-memory log, <c>MemorySizeBits = 26</c>).
    /// </summary>
    public int RingMegabytes { get; init; } = DefaultRingMegabytes;

    /// <summary>The default <see cref="RingMegabytes"/>.</summary>
    public const int DefaultRingMegabytes = 1;

    /// <summary>How long each engine runs each timed case.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one engine's round of a case may take before the case fails as stuck (null: three times
    /// <see cref="Duration"/>, at least a minute). A stuck round's threads are told to stop and its instance is left open.
    /// </summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>The deadline in force: <see cref="Deadline"/>, or three times <see cref="Duration"/> and at least 60 s.</summary>
    public TimeSpan RoundDeadline => Deadline ?? TimeSpan.FromSeconds(Math.Max(60, 3 * Duration.TotalSeconds));

    /// <summary>How many interleaved Runnel/FasterLog rounds each case runs; the median round is reported.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>The cases to run (by default all of <see cref="CaseNames.All"/>).</summary>
    public IReadOnlyList<string> Cases { get; init; } = CaseNames.All;

    /// <summary>
    /// Records per producer batch in the two group cases: 1 (the default) appends and enqueues record by record; N
    /// gives Runnel's producer <see cref="Storage.Log.AppendBatch"/>es of N records (one ack each, as PutRecords does
    /// per shard) and FasterLog's producer <c>TryEnqueue(IReadOnlySpanBatch)</c> of the same N records.
    /// </summary>
    public int ProducerBatch { get; init; } = 1;

    /// <summary>Skip fio (for development runs); the disk targets then show as not measured.</summary>
    public bool SkipFio { get; init; }
}
