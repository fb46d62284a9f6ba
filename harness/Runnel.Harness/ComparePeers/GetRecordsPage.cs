namespace Runnel.Harness.ComparePeers;

/// <summary>One GetRecords answer as the read-back needs it.</summary>
/// <param name="Records">Records in the answer.</param>
/// <param name="DataBytes">Their data bytes (decoded length of each base64 <c>Data</c>).</param>
/// <param name="NextShardIterator">The next iterator; null at the end of a closed shard.</param>
/// <param name="MillisBehindLatest">How far behind the tip the answer says it is (0 when absent).</param>
public sealed record GetRecordsPage(int Records, long DataBytes, string? NextShardIterator, long MillisBehindLatest);
