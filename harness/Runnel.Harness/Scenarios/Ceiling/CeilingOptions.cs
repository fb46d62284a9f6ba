namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>The parameters of a <c>ceiling</c> run, after the flags and <c>--quick</c> were applied.</summary>
/// <param name="Modes">Embedded, HTTP, or both (embedded first).</param>
/// <param name="Shards">The shard counts of the shard sweep.</param>
/// <param name="RecordBytes">The record sizes of the size sweep.</param>
/// <param name="Producers">The producer counts of the producer sweep.</param>
/// <param name="WarmupSeconds">Load before the measured window, per point.</param>
/// <param name="MeasureSeconds">The measured window, per point.</param>
/// <param name="Endpoint">A running server to load instead of starting one (HTTP mode).</param>
/// <param name="Profile">Record an EventPipe trace of the engine's process.</param>
/// <param name="VerifyReadBack">After each point, read every record back and check the count against the acks.</param>
/// <param name="DataRoot">Where the embedded engine and the started server keep their data (a fresh directory per run).</param>
public sealed record CeilingOptions(
    IReadOnlyList<CeilingMode> Modes,
    IReadOnlyList<int> Shards,
    IReadOnlyList<int> RecordBytes,
    IReadOnlyList<int> Producers,
    double WarmupSeconds,
    double MeasureSeconds,
    Uri? Endpoint = null,
    bool Profile = false,
    bool VerifyReadBack = false,
    string? DataRoot = null)
{
    /// <summary>The default shard sweep.</summary>
    public static readonly int[] DefaultShards = [1, 16, 256, 1024];

    /// <summary>The default size sweep: 100 B to 1 MiB (the largest record Kinesis accepts by default).</summary>
    public static readonly int[] DefaultRecordBytes = [100, 1024, 16 * 1024, 1024 * 1024];

    /// <summary>The default producer sweep.</summary>
    public static readonly int[] DefaultProducers = [1, 4, 16, 64];

    /// <summary>The base point each sweep varies one parameter around: 16 shards, 1 KiB records, 16 producers.</summary>
    public const int BaseShards = 16;

    /// <inheritdoc cref="BaseShards"/>
    public const int BaseRecordBytes = 1024;

    /// <inheritdoc cref="BaseShards"/>
    public const int BaseProducers = 16;

    /// <summary>Warm-up and window of a full run (1 s and 4 s per point) and of <c>--quick</c> (0.5 s and 1.5 s).</summary>
    public static (double Warmup, double Measure) Durations(bool quick, double? seconds)
        => seconds is { } s ? (Math.Min(1, Math.Max(0.2, s / 4)), s) : quick ? (0.5, 1.5) : (1, 4);

    /// <summary>Checks the lists and durations; the message names the flag.</summary>
    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        if (Modes.Count == 0)
        {
            throw new ArgumentException("--mode: embedded, http or both");
        }
        Check(Shards, "--shards", 1, 10_000);
        Check(RecordBytes, "--record-bytes", CeilingWorkload.KeyLength + 1, CeilingWorkload.MaxRecordBytes);
        Check(Producers, "--producers", 1, 4096);
        if (MeasureSeconds <= 0 || WarmupSeconds < 0)
        {
            throw new ArgumentException("--seconds must be positive");
        }
    }

    private static void Check(IReadOnlyList<int> values, string flag, int min, int max)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException($"{flag}: give at least one value");
        }
        foreach (int value in values)
        {
            if (value < min || value > max)
            {
                throw new ArgumentException($"{flag}: {value} is outside {min}..{max}");
            }
        }
    }
}
