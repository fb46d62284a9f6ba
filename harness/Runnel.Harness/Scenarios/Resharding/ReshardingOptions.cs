namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>The parameters of a <c>resharding-under-load</c> run.</summary>
/// <param name="Seconds">Simulated seconds of production (the consumers then drain).</param>
/// <param name="Seed">Seeds the choice of resharding operations.</param>
/// <param name="InitialShards">Shards at creation.</param>
/// <param name="MinShards">No merge or update below this many open shards.</param>
/// <param name="MaxShards">No split or update above this many open shards.</param>
/// <param name="Keys">Distinct partition keys, written round-robin.</param>
/// <param name="RecordsPerStep">Records per PutRecords call, one call per 10 ms step.</param>
/// <param name="RecordBytes">Bytes of data per record (at least 12: key and counter).</param>
/// <param name="ReshardEverySeconds">Simulated seconds between resharding operations.</param>
public sealed record ReshardingOptions(
    int Seconds = 120,
    int Seed = 1,
    int InitialShards = 4,
    int MinShards = 2,
    int MaxShards = 16,
    int Keys = 64,
    int RecordsPerStep = 20,
    int RecordBytes = 100,
    int ReshardEverySeconds = 5);
