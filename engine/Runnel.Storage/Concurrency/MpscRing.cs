using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Runnel.Storage.Concurrency;

/// <summary>
/// A bounded, lock-free multi-producer single-consumer ring of variable-length byte records. Shared across threads:
/// any number of producers call <see cref="TryClaim"/> and <see cref="Publish"/>; exactly one consumer at a time calls
/// <see cref="TryRead"/>, <see cref="Release"/> and <see cref="TryMarkConsumerIdle"/>.
/// </summary>
/// <remarks>
/// <para><b>Records.</b> Each record is an 8-byte header, <c>[length i32][type i32]</c>, then the payload, padded to 8
/// bytes. <c>length</c> (header + payload, unpadded) is the publication word: zero means "not yet readable" (the
/// consumer clears every byte it releases, so free space reads as zero), positive means published. Type 0 is data,
/// type 1 is padding: the bytes from a record to the end of the buffer when the next record does not fit there,
/// which the consumer skips. A record's payload is at most <see cref="MaxPayloadLength"/> (half the ring), so a
/// record always fits after at most one padding record.</para>
/// <para><b>Claim.</b> Positions are monotonic <c>long</c> byte counts (<see cref="MpscRingState.Tail"/>,
/// <see cref="MpscRingState.Head"/>); the buffer index is <c>position &amp; (capacity - 1)</c>. Invariant:
/// <c>Head &lt;= every claimed position &lt; Tail &lt;= Head + capacity</c>, except transiently under
/// <see cref="RingFullPolicy.Wait"/>, where a claim may overshoot and its producer waits before touching the bytes.
/// Under <see cref="RingFullPolicy.Reject"/> a producer reads Tail, checks the room against HeadCache (then Head),
/// and claims with one <c>CompareExchange</c> (padding and record together when it wraps), so it never owns bytes it
/// cannot write and never waits. Under <see cref="RingFullPolicy.Wait"/> it claims with one <c>Interlocked.Add</c>;
/// a claim that crosses the end of the buffer is filled with padding and claimed again.</para>
/// <para><b>Fences.</b> (1) A producer writes its payload with plain stores, then the length with
/// <c>Interlocked.Exchange</c> (a release, and a full fence); the consumer reads the length with
/// <c>Volatile.Read</c> (acquire) before reading the payload, so it sees the whole payload. (2) The consumer clears
/// released bytes with plain stores, then writes Head with <c>Volatile.Write</c> (release); producers read Head or
/// HeadCache with <c>Volatile.Read</c> (acquire) before writing into those bytes. (3) Consumer wake-up is a Dekker
/// handshake: the producer's full fence in <see cref="Publish"/> is followed by its read of ConsumerIdle; the
/// consumer's <c>Interlocked.Exchange(ConsumerIdle, 1)</c> is followed by its read of the next length word. One of
/// the two sees the other's write, so a published record is never left without a consumer, and the
/// <c>CompareExchange(ConsumerIdle, 0, 1)</c> lets exactly one party start the next one. (4) Parked producers: the
/// producer increments WaitingProducers (full fence) and then re-reads Head under the park lock; the consumer writes
/// Head, issues a full fence, and reads WaitingProducers; one of the two sees the other's write, and the pulse is
/// sent under the same lock the producer checks under, so a wake-up is never lost.</para>
/// <para><b>Ownership.</b> The buffer is pinned and owned by the ring; payload spans are valid only between claim and
/// publish (producer) or between read and release (consumer). The buffer is allocated by the first claim, not by the
/// constructor, and <see cref="TryReleaseBuffer"/> gives it back once producers have stopped for good (a closed
/// shard's log): a log that is never appended to again (a closed parent shard, reopened at start-up or just closed by
/// resharding) holds no ring memory. Allocation is published with <c>CompareExchange</c> before the claim's own
/// <c>CompareExchange</c>, so a consumer that sees a published length also sees the buffer.</para>
/// </remarks>
public sealed class MpscRing
{
    /// <summary>Bytes before each payload.</summary>
    public const int RecordHeaderLength = 8;

    /// <summary>Records start and end on this alignment.</summary>
    public const int Alignment = 8;

    private const int PaddingType = 1;
    private const int SpinIterations = 64;
    private const int YieldIterations = 32;

    private byte[]? _buffer; // null until the first claim, and again after TryReleaseBuffer
    private readonly int _capacity;
    private readonly int _mask;
    private readonly RingFullPolicy _policy;
    private readonly object _parkLock = new();

    // Mutable struct written in place through refs; must not be readonly (a readonly field would copy it).
    private MpscRingState _state;

    /// <summary>Creates a ring of <paramref name="capacity"/> bytes (a power of two, at least 64).</summary>
    public MpscRing(int capacity, RingFullPolicy policy)
    {
        if (capacity < 64 || !BitOperations.IsPow2(capacity))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(capacity), "The ring capacity must be a power of two of at least 64 bytes.");
        }
        _capacity = capacity;
        _mask = capacity - 1;
        _policy = policy;
        _state.ConsumerIdle = 1;
    }

    /// <summary>Bytes in the buffer.</summary>
    public int Capacity => _capacity;

    /// <summary>Whether the buffer is allocated (a ring allocates it on its first claim).</summary>
    public bool IsBufferAllocated => Volatile.Read(ref _buffer) is not null;

    /// <summary>What a producer does when the ring is full.</summary>
    public RingFullPolicy Policy => _policy;

    /// <summary>The longest payload a record can have: half the ring, less the header.</summary>
    public int MaxPayloadLength => (_capacity / 2) - RecordHeaderLength;

    /// <summary>Bytes ever claimed (the position the next claim gets, padding aside).</summary>
    public long TailPosition => Volatile.Read(ref _state.Tail);

    /// <summary>Bytes ever released by the consumer.</summary>
    public long HeadPosition => Volatile.Read(ref _state.Head);

    /// <summary>The space a record with this payload takes, header and padding included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RecordLength(int payloadLength) => (payloadLength + RecordHeaderLength + (Alignment - 1)) & ~(Alignment - 1);

    /// <summary>
    /// Claims room for a record of <paramref name="payloadLength"/> bytes. On <see cref="RingClaimStatus.Claimed"/>
    /// write the payload into <see cref="GetPayload"/> and then call <see cref="Publish"/>, exactly once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RingClaimStatus TryClaim(int payloadLength, out RingClaim claim)
    {
        if ((uint)payloadLength > (uint)MaxPayloadLength)
        {
            claim = default;
            return RingClaimStatus.TooLarge;
        }
        if (Volatile.Read(ref _buffer) is null)
        {
            AllocateBuffer();
        }
        int length = RecordLength(payloadLength);
        if (_policy == RingFullPolicy.Reject)
        {
            return TryClaimOrReject(length, payloadLength, out claim);
        }
        claim = ClaimOrWait(length, payloadLength);
        return RingClaimStatus.Claimed;
    }

    /// <summary>The payload bytes of a claimed record (producer side, before <see cref="Publish"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetPayload(in RingClaim claim) => _buffer!.AsSpan(claim.Index + RecordHeaderLength, claim.PayloadLength);

    /// <summary>
    /// Makes a claimed record readable (its length written last, with a full fence). Returns true when the consumer
    /// was idle and this caller must start it (exactly one publisher gets true per idle period).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Publish(in RingClaim claim)
    {
        Interlocked.Exchange(ref LengthWord(_buffer!, claim.Index), claim.PayloadLength + RecordHeaderLength);
        return Volatile.Read(ref _state.ConsumerIdle) != 0
            && Interlocked.CompareExchange(ref _state.ConsumerIdle, 0, 1) == 1;
    }

    /// <summary>
    /// Consumer: reads the published record at <paramref name="position"/> (skipping padding), returning its payload
    /// and the position after it. False when the record there is not yet published (or nothing is claimed there).
    /// Records are read in claim order; the bytes stay owned by the consumer until <see cref="Release"/>.
    /// </summary>
    public bool TryRead(long position, out ReadOnlySpan<byte> payload, out long next)
    {
        long head = _state.Head; // consumer-owned: a plain read sees its own last write
        byte[]? buffer = Volatile.Read(ref _buffer);
        while (buffer is not null && position - head < _capacity)
        {
            int index = (int)(position & _mask);
            int length = Volatile.Read(ref LengthWord(buffer, index));
            if (length <= 0)
            {
                break;
            }
            int aligned = (length + (Alignment - 1)) & ~(Alignment - 1);
            if (TypeWord(buffer, index) == PaddingType)
            {
                position += aligned;
                continue;
            }
            payload = buffer.AsSpan(index + RecordHeaderLength, length - RecordHeaderLength);
            next = position + aligned;
            return true;
        }
        payload = default;
        next = position;
        return false;
    }

    /// <summary>
    /// Consumer: gives back every byte below <paramref name="position"/> (a position returned by
    /// <see cref="TryRead"/>): clears them, moves Head, and wakes producers parked for space.
    /// </summary>
    public void Release(long position)
    {
        long head = _state.Head;
        if (position <= head)
        {
            return;
        }
        int start = (int)(head & _mask);
        long count = position - head;
        int first = (int)Math.Min(count, _capacity - start);
        byte[] buffer = _buffer!; // bytes below a read position were claimed, so the buffer exists
        buffer.AsSpan(start, first).Clear();
        if (count > first)
        {
            buffer.AsSpan(0, (int)(count - first)).Clear();
        }
        Volatile.Write(ref _state.Head, position);
        if (_policy == RingFullPolicy.Wait)
        {
            Interlocked.MemoryBarrier(); // Dekker (4): Head store before the WaitingProducers load.
            if (Volatile.Read(ref _state.WaitingProducers) != 0)
            {
                WakeProducers();
            }
        }
    }

    /// <summary>
    /// Consumer: declares it is stopping because nothing is readable at <paramref name="position"/>. Returns true
    /// when it may stop; false when a record was published meanwhile and it must go on (it stays the consumer).
    /// When it returns true, the next <see cref="Publish"/> returns true to its caller.
    /// </summary>
    public bool TryMarkConsumerIdle(long position)
    {
        Interlocked.Exchange(ref _state.ConsumerIdle, 1); // Dekker (3): full fence before re-reading the length word
        if (!TryRead(position, out _, out _))
        {
            return true;
        }
        // A record arrived: take the consumer role back, unless its publisher already did (then it starts a new one).
        return Interlocked.CompareExchange(ref _state.ConsumerIdle, 0, 1) != 1;
    }

    /// <summary>Marks the consumer as running, for a consumer that starts without a publisher's wake-up.</summary>
    public void MarkConsumerRunning() => Volatile.Write(ref _state.ConsumerIdle, 0);

    /// <summary>
    /// Frees the buffer when the ring is empty (every claimed byte released) and its consumer idle; true when the
    /// ring holds no buffer afterwards. The caller guarantees that no producer is claiming, and none will until this
    /// returns (a closed shard's log: its gate lets no append in). A later claim allocates a fresh buffer, and
    /// positions go on from Tail, so the ring stays usable. A consumer racing to idle is safe: it reads either the
    /// old buffer (whose released bytes are zero) or none, and sees nothing to read either way.
    /// </summary>
    public bool TryReleaseBuffer()
    {
        if (Volatile.Read(ref _buffer) is null)
        {
            return true;
        }
        if (Volatile.Read(ref _state.ConsumerIdle) == 0 || Volatile.Read(ref _state.Head) != Volatile.Read(ref _state.Tail))
        {
            return false;
        }
        Volatile.Write(ref _buffer, null);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AllocateBuffer()
    {
        // Racing first claims may each allocate; one buffer wins and the others are dropped before any use.
        Interlocked.CompareExchange(ref _buffer, GC.AllocateArray<byte>(_capacity, pinned: true), null);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int LengthWord(byte[] buffer, int index) => ref Unsafe.As<byte, int>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), index));

    // The type is written before the length with a plain store, ordered by the release of fence (1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int TypeWord(byte[] buffer, int index) => ref Unsafe.As<byte, int>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), index + 4));

    private RingClaimStatus TryClaimOrReject(int length, int payloadLength, out RingClaim claim)
    {
        long tail = Volatile.Read(ref _state.Tail);
        while (true)
        {
            int index = (int)(tail & _mask);
            int toEnd = _capacity - index;
            int padding = length > toEnd ? toEnd : 0;
            long end = tail + padding + length;
            if (end - Volatile.Read(ref _state.HeadCache) > _capacity && !RefreshHeadCache(end))
            {
                claim = default;
                return RingClaimStatus.Full;
            }
            long observed = Interlocked.CompareExchange(ref _state.Tail, end, tail);
            if (observed == tail)
            {
                if (padding != 0)
                {
                    WritePadding(index, padding);
                    index = 0;
                }
                claim = new RingClaim(tail + padding, index, payloadLength);
                return RingClaimStatus.Claimed;
            }
            tail = observed;
        }
    }

    private RingClaim ClaimOrWait(int length, int payloadLength)
    {
        while (true)
        {
            long start = Interlocked.Add(ref _state.Tail, length) - length;
            long end = start + length;
            if (end - Volatile.Read(ref _state.HeadCache) > _capacity && !RefreshHeadCache(end))
            {
                WaitForSpace(end);
            }
            int index = (int)(start & _mask);
            int toEnd = _capacity - index;
            if (length <= toEnd)
            {
                return new RingClaim(start, index, payloadLength);
            }
            // The claim crosses the end of the buffer: both pieces become padding, and the record is claimed again
            // (it then starts at or after index 0, where it fits because it is at most half the ring).
            WritePadding(0, length - toEnd);
            WritePadding(index, toEnd);
        }
    }

    /// <summary>Reads Head; true (and HeadCache updated) when the bytes up to <paramref name="end"/> are free.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHeadCache(long end)
    {
        long head = Volatile.Read(ref _state.Head);
        if (end - head > _capacity)
        {
            return false;
        }
        // Racy write-back: a producer may store an older head over a newer one. Harmless: HeadCache stays <= Head,
        // which only costs a later producer one extra read of Head.
        Volatile.Write(ref _state.HeadCache, head);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForSpace(long end)
    {
        for (int i = 0; i < SpinIterations; i++)
        {
            Thread.SpinWait(4); // short, fixed: the consumer frees space in small steps; long backoff overshoots them
            if (RefreshHeadCache(end))
            {
                return;
            }
        }
        for (int i = 0; i < YieldIterations; i++)
        {
            Thread.Yield();
            if (RefreshHeadCache(end))
            {
                return;
            }
        }
        Interlocked.Increment(ref _state.WaitingProducers); // Dekker (4): full fence before re-reading Head
        try
        {
            lock (_parkLock)
            {
                while (!RefreshHeadCache(end))
                {
                    Monitor.Wait(_parkLock);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _state.WaitingProducers);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WakeProducers()
    {
        lock (_parkLock)
        {
            Monitor.PulseAll(_parkLock);
        }
    }

    private void WritePadding(int index, int length)
    {
        TypeWord(_buffer!, index) = PaddingType;
        Volatile.Write(ref LengthWord(_buffer!, index), length);
    }
}
