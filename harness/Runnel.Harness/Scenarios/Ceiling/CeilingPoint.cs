namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>One measured point of a sweep.</summary>
/// <param name="Mode">Embedded or over HTTP.</param>
/// <param name="Shards">Open shards of the stream.</param>
/// <param name="RecordBytes">Bytes per record: data plus partition key, as Kinesis counts them toward its 1 MiB record limit.</param>
/// <param name="Producers">Producers, each awaiting its PutRecords call before the next.</param>
/// <param name="BatchRecords">Records per PutRecords call (at most 500 and 10 MiB).</param>
public sealed record CeilingPoint(CeilingMode Mode, int Shards, int RecordBytes, int Producers, int BatchRecords)
{
    /// <summary>A short name, for example <c>embedded 16 shards 1 KiB 16 producers</c>.</summary>
    public string Label => $"{Mode.ToString().ToLowerInvariant()} {Shards} shards {ScenarioFormat.Size(RecordBytes)} {Producers} producers";
}
