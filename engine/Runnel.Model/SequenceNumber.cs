using System.Runtime.CompilerServices;

namespace Runnel.Model;

/// <summary>
/// A Kinesis sequence number: the logical position of a record within a shard, rendered like AWS as a
/// 56-digit decimal. Immutable value type; <see cref="TryFormat(Span{char}, out int)"/> and <see cref="TryParse"/>
/// do not allocate.
/// </summary>
/// <remarks>
/// <para>The value is a 188-bit unsigned integer built from these fields (bit 0 is the least significant):</para>
/// <code>
///  187   184 183              150 149         128 127              64 63          32 31       0
/// +---------+--------------------+---------------+------------------+--------------+-----------+
/// | version | shard creation time|  stream tag   | per-shard counter|  shard index | reserved  |
/// |  = 2    | epoch secs, 34 bits|    22 bits    |      64 bits     |    32 bits   |  32 = 0   |
/// +---------+--------------------+---------------+------------------+--------------+-----------+
/// </code>
/// <para>
/// The version nibble 2 puts every number in [2^185, 2^186), so every rendering has exactly 56 digits. The stream
/// tag identifies one incarnation of a stream, so a number from another stream, or from an earlier stream of the
/// same name, is recognisable. The counter strictly increases within a shard; counter 0 is the shard's
/// <c>StartingSequenceNumber</c> (<see cref="ShardStart"/>) and records use 1 and up, so the start is strictly
/// less than every record in the shard. Numbers order by the whole 188-bit value: within a shard that is counter
/// order, and a child shard (created later) compares greater than its parent.
/// </para>
/// <para><c>default(SequenceNumber)</c> is not a valid number (its version is 0) and renders as 56 zeros.</para>
/// </remarks>
public readonly struct SequenceNumber : IEquatable<SequenceNumber>, IComparable<SequenceNumber>, ISpanFormattable
{
    /// <summary>Digits in every rendered sequence number.</summary>
    public const int FormattedLength = 56;

    /// <summary>The longest text the Kinesis pattern <c>0|([1-9]\d{0,128})</c> admits.</summary>
    public const int MaxSyntacticLength = 129;

    /// <summary>The layout version stored in bits 184-187.</summary>
    public const int Version = 2;

    /// <summary>The largest shard creation time that fits its 34 bits (epoch seconds, around the year 2514).</summary>
    public const long MaxShardCreationSeconds = (1L << CreationBits) - 1;

    /// <summary>The largest stream tag that fits its 22 bits.</summary>
    public const uint MaxStreamTag = (1u << TagBits) - 1;

    private const int TagBits = 22;
    private const int CreationBits = 34;
    private const int VersionShift = TagBits + CreationBits; // within _upper: bits 56-59
    private const ulong Limb = 10_000_000_000_000_000_000; // 10^19, the largest power of ten below 2^64
    private const int LimbDigits = 19;
    private const int TopLimbDigits = FormattedLength - (2 * LimbDigits); // 18

    // Bits 128-187 of the value: version | creation seconds | stream tag.
    private readonly ulong _upper;

    // Bits 64-127.
    private readonly ulong _counter;

    // Bits 32-63; bits 0-31 are always zero and not stored.
    private readonly int _shardIndex;

    /// <summary>Creates the number of record <paramref name="counter"/> in the given shard; validates every field's range.</summary>
    public SequenceNumber(long shardCreationSeconds, uint streamTag, int shardIndex, ulong counter)
    {
        if ((ulong)shardCreationSeconds > MaxShardCreationSeconds)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(shardCreationSeconds), "Shard creation time must be in 0..2^34-1 epoch seconds.");
        }

        if (streamTag > MaxStreamTag)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(streamTag), "The stream tag must be in 0..2^22-1.");
        }

        if (shardIndex < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(shardIndex), "A shard index is in 0..2147483647.");
        }

        _upper = ((ulong)Version << VersionShift) | ((ulong)shardCreationSeconds << TagBits) | streamTag;
        _counter = counter;
        _shardIndex = shardIndex;
    }

    private SequenceNumber(ulong upper, ulong counter, int shardIndex)
    {
        _upper = upper;
        _counter = counter;
        _shardIndex = shardIndex;
    }

    /// <summary>Creation time of the shard, in Unix epoch seconds.</summary>
    public long ShardCreationSeconds => (long)((_upper >> TagBits) & MaxShardCreationSeconds);

    /// <summary>The tag of the stream incarnation that issued the number.</summary>
    public uint StreamTag => (uint)(_upper & MaxStreamTag);

    /// <summary>The index of the shard that issued the number.</summary>
    public int ShardIndex => _shardIndex;

    /// <summary>The shard that issued the number.</summary>
    public ShardId ShardId => new(_shardIndex);

    /// <summary>The per-shard counter: 0 for the shard's starting sequence number, 1 and up for records.</summary>
    public ulong Counter => _counter;

    /// <summary>The shard's <c>StartingSequenceNumber</c>: counter 0, below every record in the shard.</summary>
    public static SequenceNumber ShardStart(long shardCreationSeconds, uint streamTag, int shardIndex) =>
        new(shardCreationSeconds, streamTag, shardIndex, 0);

    public static bool operator ==(SequenceNumber left, SequenceNumber right) => left.Equals(right);

    public static bool operator !=(SequenceNumber left, SequenceNumber right) => !left.Equals(right);

    public static bool operator <(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) < 0;

    public static bool operator <=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) <= 0;

    public static bool operator >(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) > 0;

    public static bool operator >=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) >= 0;

    /// <summary>The number with the same shard fields and a different counter.</summary>
    public SequenceNumber WithCounter(ulong counter) => new(_upper, counter, _shardIndex);

    /// <summary>
    /// True if both numbers were issued by the same shard of the same stream incarnation (same creation time,
    /// stream tag and shard index).
    /// </summary>
    public bool IsSameShard(SequenceNumber other) => _upper == other._upper && _shardIndex == other._shardIndex;

    public bool Equals(SequenceNumber other) =>
        _upper == other._upper && _counter == other._counter && _shardIndex == other._shardIndex;

    public override bool Equals(object? obj) => obj is SequenceNumber other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_upper, _counter, _shardIndex);

    /// <summary>Compares the full 188-bit values.</summary>
    public int CompareTo(SequenceNumber other)
    {
        int result = _upper.CompareTo(other._upper);
        if (result == 0)
        {
            result = _counter.CompareTo(other._counter);
            if (result == 0)
            {
                result = _shardIndex.CompareTo(other._shardIndex);
            }
        }

        return result;
    }

    /// <summary>
    /// Parses a sequence number. Text that does not match the Kinesis pattern <c>0|([1-9]\d{0,128})</c> is
    /// <see cref="SequenceNumberParseStatus.Malformed"/>; syntactically valid text that Runnel could not have issued
    /// is <see cref="SequenceNumberParseStatus.Foreign"/>. Only <see cref="SequenceNumberParseStatus.Ok"/> sets
    /// <paramref name="value"/>.
    /// </summary>
    public static SequenceNumberParseStatus TryParse(ReadOnlySpan<char> text, out SequenceNumber value)
    {
        value = default;
        if (text.IsEmpty || text.Length > MaxSyntacticLength || (text[0] == '0' && text.Length > 1) || !IsAllDigits(text))
        {
            return SequenceNumberParseStatus.Malformed;
        }

        if (text.Length != FormattedLength)
        {
            return SequenceNumberParseStatus.Foreign;
        }

        // value = ((top * 10^19) + middle) * 10^19 + bottom, assembled as three 64-bit words w2:w1:w0.
        ulong top = ParseLimb(text[..TopLimbDigits]);
        ulong middle = ParseLimb(text.Slice(TopLimbDigits, LimbDigits));
        ulong bottom = ParseLimb(text[(TopLimbDigits + LimbDigits)..]);

        UInt128 high = ((UInt128)top * Limb) + middle; // < 10^37 < 2^123
        ulong carryLow = Math.BigMul((ulong)high, Limb, out ulong w0);
        w0 += bottom;
        if (w0 < bottom)
        {
            carryLow++;
        }

        UInt128 upperWords = ((UInt128)(ulong)(high >> 64) * Limb) + carryLow; // < 2^124, no overflow
        ulong w1 = (ulong)upperWords;
        ulong w2 = (ulong)(upperWords >> 64);

        if ((w2 >> VersionShift) != Version || (uint)w0 != 0 || (w0 >> 32) > int.MaxValue)
        {
            return SequenceNumberParseStatus.Foreign;
        }

        value = new SequenceNumber(w2, w1, (int)(w0 >> 32));
        return SequenceNumberParseStatus.Ok;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> unless the status is Ok.</summary>
    public static SequenceNumber Parse(ReadOnlySpan<char> text)
    {
        SequenceNumberParseStatus status = TryParse(text, out SequenceNumber value);
        if (status != SequenceNumberParseStatus.Ok)
        {
            ThrowHelper.ThrowFormat(status == SequenceNumberParseStatus.Malformed
                ? "A sequence number matches 0|([1-9]\\d{0,128})."
                : "The sequence number was not issued by Runnel.");
        }

        return value;
    }

    /// <summary>Writes the 56-digit decimal form into <paramref name="destination"/>.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < FormattedLength)
        {
            charsWritten = 0;
            return false;
        }

        // Long division of w2:w1:w0 by 10^19, twice; the remainders are the two low limbs and the final
        // quotient (< 10^18 because the value is < 2^186 < 10^56) is the top limb.
        ulong w2 = _upper;
        ulong w1 = _counter;
        ulong w0 = (ulong)(uint)_shardIndex << 32;
        ulong bottom = DivideByLimb(ref w2, ref w1, ref w0);
        ulong middle = DivideByLimb(ref w2, ref w1, ref w0);

        WriteLimb(destination[..TopLimbDigits], w0);
        WriteLimb(destination.Slice(TopLimbDigits, LimbDigits), middle);
        WriteLimb(destination.Slice(TopLimbDigits + LimbDigits, LimbDigits), bottom);
        charsWritten = FormattedLength;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The 56-digit decimal form.</summary>
    public override string ToString() =>
        string.Create(FormattedLength, this, static (span, number) => number.TryFormat(span, out _));

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    // Divides the 192-bit w2:w1:w0 by 10^19 in place and returns the remainder.
    private static ulong DivideByLimb(ref ulong w2, ref ulong w1, ref ulong w0)
    {
        (ulong q2, ulong remainder) = Math.DivRem(w2, Limb);
        (UInt128 q1, UInt128 r1) = UInt128.DivRem(((UInt128)remainder << 64) | w1, Limb);
        (UInt128 q0, UInt128 r0) = UInt128.DivRem(((UInt128)(ulong)r1 << 64) | w0, Limb);
        w2 = q2;
        w1 = (ulong)q1;
        w0 = (ulong)q0;
        return (ulong)r0;
    }

    // A plain loop: span.ContainsAnyExceptInRange(char, char) allocated 96 bytes per call on .NET 10 (measured
    // with GC.GetAllocatedBytesForCurrentThread, see AllocationTests).
    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if ((uint)(c - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ParseLimb(ReadOnlySpan<char> digits)
    {
        ulong result = 0;
        foreach (char c in digits)
        {
            result = (result * 10) + (uint)(c - '0');
        }

        return result;
    }

    private static void WriteLimb(Span<char> destination, ulong value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            (value, ulong digit) = Math.DivRem(value, 10);
            destination[i] = (char)('0' + digit);
        }
    }
}
