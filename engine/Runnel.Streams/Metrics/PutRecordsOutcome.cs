namespace Runnel.Streams.Metrics;

/// <summary>The records of one PutRecords call: sent, succeeded (and their bytes), throttled; the rest failed internally.</summary>
internal readonly record struct PutRecordsOutcome(int Total, int Successful, long SuccessfulBytes, int Throttled);
