namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>One value of a sweep, for charts: throughput and latency against the swept parameter.</summary>
/// <param name="X">The swept parameter's value (shards, record bytes or producers).</param>
/// <param name="Point">Index into <see cref="CeilingReport.Points"/>.</param>
/// <param name="RecordsPerSecond">Records per second.</param>
/// <param name="MegabytesPerSecond">MB/s (10^6) of record bytes.</param>
/// <param name="P50Microseconds">Median PutRecords latency.</param>
/// <param name="P99Microseconds">99th percentile.</param>
/// <param name="LimitedBy">The bound.</param>
public sealed record CeilingSeriesPoint(int X, int Point, double RecordsPerSecond, double MegabytesPerSecond, double? P50Microseconds, double? P99Microseconds, CeilingLimit LimitedBy);

/// <summary>A sweep's results in the order of its values, with its ceiling (the best point).</summary>
/// <param name="Mode">Embedded or HTTP.</param>
/// <param name="Axis">The swept parameter.</param>
/// <param name="FixedShards">Shards while another parameter is swept.</param>
/// <param name="FixedRecordBytes">Record bytes while another parameter is swept.</param>
/// <param name="FixedProducers">Producers while another parameter is swept.</param>
/// <param name="Values">One entry per swept value.</param>
/// <param name="CeilingPoint">Index into <see cref="CeilingReport.Points"/> of the best point; -1 when none ran.</param>
public sealed record CeilingSeries(CeilingMode Mode, CeilingAxis Axis, int FixedShards, int FixedRecordBytes, int FixedProducers, IReadOnlyList<CeilingSeriesPoint> Values, int CeilingPoint);

/// <summary>What one mode loaded.</summary>
/// <param name="Mode">Embedded or HTTP.</param>
/// <param name="Description">The engine's process and endpoint.</param>
/// <param name="Device">The storage device the engine used.</param>
/// <param name="AckSemantics">When an acknowledgement is given, as the engine defines it.</param>
/// <param name="ProcessId">The engine's process.</param>
public sealed record CeilingTargetInfo(CeilingMode Mode, string Description, string Device, string AckSemantics, int? ProcessId);

/// <summary>An EventPipe trace written by <c>--profile</c>.</summary>
/// <param name="Mode">The mode traced.</param>
/// <param name="ProcessId">The traced process.</param>
/// <param name="Path">The <c>.nettrace</c> file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="HowToOpen">Tools that open it.</param>
public sealed record CeilingTrace(CeilingMode Mode, int ProcessId, string Path, long Bytes, string HowToOpen);

/// <summary>The parameters a run was given (after <c>--quick</c>).</summary>
/// <param name="CommandLine">The harness arguments.</param>
/// <param name="Modes">Modes run.</param>
/// <param name="Shards">Shard sweep.</param>
/// <param name="RecordBytes">Size sweep.</param>
/// <param name="Producers">Producer sweep.</param>
/// <param name="BaseShards">Shards of the other sweeps.</param>
/// <param name="BaseRecordBytes">Record bytes of the other sweeps.</param>
/// <param name="BaseProducers">Producers of the other sweeps.</param>
/// <param name="WarmupSeconds">Warm-up per point.</param>
/// <param name="MeasureSeconds">Measured window per point.</param>
/// <param name="Endpoint">The running server loaded, if any.</param>
/// <param name="Profile">Whether traces were recorded.</param>
/// <param name="VerifyReadBack">Whether every point was read back.</param>
/// <param name="PartitionKeyBytes">Bytes of every partition key (inside the record size).</param>
public sealed record CeilingParameters(
    string CommandLine,
    IReadOnlyList<CeilingMode> Modes,
    IReadOnlyList<int> Shards,
    IReadOnlyList<int> RecordBytes,
    IReadOnlyList<int> Producers,
    int BaseShards,
    int BaseRecordBytes,
    int BaseProducers,
    double WarmupSeconds,
    double MeasureSeconds,
    string? Endpoint,
    bool Profile,
    bool VerifyReadBack,
    int PartitionKeyBytes);

/// <summary>The <c>ceiling</c> scenario's results: every point, the sweeps as series for charts, and where it ran.</summary>
/// <param name="Scenario">Always <c>ceiling</c>.</param>
/// <param name="Parameters">What was asked.</param>
/// <param name="Targets">What was loaded.</param>
/// <param name="Points">Every measured point, in run order.</param>
/// <param name="Series">Three sweeps per mode.</param>
/// <param name="Traces">EventPipe traces (with <c>--profile</c>).</param>
/// <param name="Machine">Where it ran.</param>
public sealed record CeilingReport(
    string Scenario,
    CeilingParameters Parameters,
    IReadOnlyList<CeilingTargetInfo> Targets,
    IReadOnlyList<CeilingPointResult> Points,
    IReadOnlyList<CeilingSeries> Series,
    IReadOnlyList<CeilingTrace> Traces,
    CeilingMachine Machine);
