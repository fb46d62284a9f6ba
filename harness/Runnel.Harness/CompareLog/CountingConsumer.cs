using FASTER.core;

namespace Runnel.Harness.CompareLog;

/// <summary>A zero-copy FasterLog scan consumer that counts entries and bytes and touches each entry's first and last byte.</summary>
public sealed class CountingConsumer : ILogEntryConsumer
{
    /// <summary>Entries seen.</summary>
    public long Records { get; private set; }

    /// <summary>Payload bytes seen.</summary>
    public long Bytes { get; private set; }

    /// <summary>XOR of the first and last byte of every entry (so that the reads are not optimised away).</summary>
    public int Touched { get; private set; }

    /// <inheritdoc />
    public void Consume(ReadOnlySpan<byte> entry, long currentAddress, long nextAddress)
    {
        Records++;
        Bytes += entry.Length;
        if (!entry.IsEmpty)
        {
            Touched ^= entry[0] ^ entry[^1];
        }
    }
}
