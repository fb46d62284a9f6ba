namespace Runnel.Storage.Concurrency;

/// <summary>
/// Space claimed in an <see cref="MpscRing"/> by one producer: the record's logical position (monotonic, never
/// wraps), its byte index in the buffer, and the payload length asked for. Owned by the producer that claimed it
/// until <see cref="MpscRing.Publish"/>; it must be published exactly once or the consumer stalls at it.
/// </summary>
public readonly struct RingClaim
{
    internal RingClaim(long position, int index, int payloadLength)
    {
        Position = position;
        Index = index;
        PayloadLength = payloadLength;
    }

    /// <summary>The record's logical position: bytes ever claimed before it (padding included).</summary>
    public long Position { get; }

    /// <summary>Byte index of the record header in the ring's buffer.</summary>
    internal int Index { get; }

    /// <summary>The payload length the producer asked for.</summary>
    public int PayloadLength { get; }
}
