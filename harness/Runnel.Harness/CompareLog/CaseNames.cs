namespace Runnel.Harness.CompareLog;

/// <summary>The case names of <c>compare-log</c>, exactly as issue 3 names them.</summary>
public static class CaseNames
{
    /// <summary>1 KiB records, one producer, group commit (FasterLog: every 2 ms or 1 MiB); MB/s.</summary>
    public const string Append1KGroup = "append-1k-group";

    /// <summary>100-byte records, one producer, group commit; records/s.</summary>
    public const string Append100BGroup = "append-100b-group";

    /// <summary>64 concurrent producers, each awaiting its durable ack; records/s and p99.</summary>
    public const string Acks64Writers = "acks-64-writers";

    /// <summary>One producer, one fsync per record; records/s.</summary>
    public const string CommitPerRecord = "commit-per-record";

    /// <summary>Reading the append-1k-group logs back with the page cache dropped; MB/s against fio's read.</summary>
    public const string ScanCold = "scan-cold";

    /// <summary>The unit a case is measured in: MB/s for the 1 KiB group append and the scan, records/s otherwise.</summary>
    public static string UnitOf(string name) =>
        name is Append1KGroup or ScanCold ? Units.MegabytesPerSecond : Units.RecordsPerSecond;

    /// <summary>Every case, in the order they run.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Append1KGroup, Append100BGroup, Acks64Writers, CommitPerRecord, ScanCold];
}
