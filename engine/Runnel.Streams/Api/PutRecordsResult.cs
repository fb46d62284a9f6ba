namespace Runnel.Streams;

/// <summary>The PutRecords result: entries in request order, and how many failed.</summary>
public sealed record PutRecordsResult(int FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records, string EncryptionType);
