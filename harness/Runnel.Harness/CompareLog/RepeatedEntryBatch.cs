using FASTER.core;

namespace Runnel.Harness.CompareLog;

/// <summary>FasterLog's batch enqueue argument: the case's payload, <c>count</c> times (one allocation per run).</summary>
internal sealed class RepeatedEntryBatch(byte[] payload, int count) : IReadOnlySpanBatch
{
    public int TotalEntries() => count;

    public ReadOnlySpan<byte> Get(int index) => payload;
}
