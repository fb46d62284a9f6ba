using System.Runtime.InteropServices;

namespace Runnel.Storage.Concurrency;

/// <summary>
/// The cross-thread counters of one <see cref="MpscRing"/>, one per 64-byte cache line, with a whole pad line before
/// the first and after the last so that neither the owning object's header nor a neighbouring allocation shares a
/// line with them (false sharing between producers, which write <see cref="Tail"/>, and the consumer, which writes
/// <see cref="Head"/>, is what the padding is for).
/// </summary>
/// <remarks>
/// <code>
///   0  pad line
///  64  Tail             long  producers: Interlocked.Add / CompareExchange (claims)
/// 128  HeadCache        long  producers: Volatile read, written back when stale (saves reading Head)
/// 192  Head             long  consumer: Volatile.Write after clearing released bytes; producers: Volatile.Read
/// 256  ConsumerIdle     int   1 = no consumer running (Dekker flag with the record length word)
/// 320  WaitingProducers int   producers parked under RingFullPolicy.Wait (Dekker flag with Head)
/// 384  pad line
/// 448  (size)
/// </code>
/// A mutable struct held in a non-readonly field of the ring: the fields are written in place through refs, which a
/// readonly field would turn into copies. The layout is checked by MpscRingStateLayoutTests.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct MpscRingState
{
    internal const int CacheLine = 64;
    internal const int TailOffset = 1 * CacheLine;
    internal const int HeadCacheOffset = 2 * CacheLine;
    internal const int HeadOffset = 3 * CacheLine;
    internal const int ConsumerIdleOffset = 4 * CacheLine;
    internal const int WaitingProducersOffset = 5 * CacheLine;
    internal const int Size = 7 * CacheLine;

    /// <summary>Bytes ever claimed (monotonic). Position of the next claim.</summary>
    [FieldOffset(TailOffset)]
    public long Tail;

    /// <summary>A recent value of <see cref="Head"/> (never ahead of it); lets producers skip reading the consumer's line.</summary>
    [FieldOffset(HeadCacheOffset)]
    public long HeadCache;

    /// <summary>Bytes ever released by the consumer (monotonic). Everything below it is cleared and free.</summary>
    [FieldOffset(HeadOffset)]
    public long Head;

    /// <summary>1 when no consumer is running and the next publisher must start one.</summary>
    [FieldOffset(ConsumerIdleOffset)]
    public int ConsumerIdle;

    /// <summary>Producers parked waiting for space.</summary>
    [FieldOffset(WaitingProducersOffset)]
    public int WaitingProducers;
}
