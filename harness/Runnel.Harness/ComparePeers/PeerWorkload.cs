namespace Runnel.Harness.ComparePeers;

/// <summary>One load shape: PutRecords calls of <paramref name="RecordsPerCall"/> records of <paramref name="RecordBytes"/> bytes each.</summary>
/// <param name="Name">The name in the table and the JSON, e.g. <c>putrecords-500x1k</c>.</param>
/// <param name="RecordsPerCall">Records per PutRecords call.</param>
/// <param name="RecordBytes">Data bytes per record (partition keys not counted).</param>
public sealed record PeerWorkload(string Name, int RecordsPerCall, int RecordBytes)
{
    /// <summary>PutRecords of 500 records of 1 KiB (about 0.7 MB of JSON per call).</summary>
    public static PeerWorkload Batch500 { get; } = new("putrecords-500x1k", 500, 1024);

    /// <summary>PutRecords of 10 records of 1 KiB: small calls, where per-request cost dominates.</summary>
    public static PeerWorkload Batch10 { get; } = new("putrecords-10x1k", 10, 1024);

    /// <summary>The workloads of issue 6 item 4, in run order.</summary>
    public static IReadOnlyList<PeerWorkload> All { get; } = [Batch500, Batch10];
}
