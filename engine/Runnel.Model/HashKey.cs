using System.Globalization;
using System.Runtime.CompilerServices;

namespace Runnel.Model;

/// <summary>
/// A Kinesis hash key: an unsigned 128-bit integer in 0 .. 2^128-1, rendered on the wire as a decimal string
/// without leading zeros. Produced by <see cref="PartitionKeyHasher"/> or parsed from an ExplicitHashKey.
/// Immutable value type; formatting and parsing into caller buffers do not allocate.
/// </summary>
public readonly record struct HashKey(UInt128 Value) : IComparable<HashKey>, ISpanFormattable
{
    /// <summary>Number of decimal digits in 2^128-1, the longest hash key.</summary>
    public const int MaxDigits = 39;

    private static readonly UInt128 s_maxDividedByTen = UInt128.MaxValue / 10;
    private static readonly int s_maxLastDigit = (int)(UInt128.MaxValue % 10);

    /// <summary>The smallest hash key, 0.</summary>
    public static HashKey MinValue => default;

    /// <summary>The largest hash key, 2^128-1 = 340282366920938463463374607431768211455.</summary>
    public static HashKey MaxValue => new(UInt128.MaxValue);

    public static bool operator <(HashKey left, HashKey right) => left.Value < right.Value;

    public static bool operator <=(HashKey left, HashKey right) => left.Value <= right.Value;

    public static bool operator >(HashKey left, HashKey right) => left.Value > right.Value;

    public static bool operator >=(HashKey left, HashKey right) => left.Value >= right.Value;

    public int CompareTo(HashKey other) => Value.CompareTo(other.Value);

    /// <summary>
    /// Parses a Kinesis decimal hash key: 1-39 ASCII digits with a value of at most 2^128-1. Signs, whitespace,
    /// separators and the empty string are rejected.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out HashKey value)
    {
        value = default;
        if (text.IsEmpty || text.Length > MaxDigits)
        {
            return false;
        }

        UInt128 result = 0;
        foreach (char c in text)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            // Only the 39th digit can overflow; the check is two ulong compares.
            if (result > s_maxDividedByTen || (result == s_maxDividedByTen && digit > (uint)s_maxLastDigit))
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        value = new HashKey(result);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on invalid text.</summary>
    public static HashKey Parse(ReadOnlySpan<char> text)
    {
        if (!TryParse(text, out HashKey value))
        {
            ThrowHelper.ThrowFormat("A hash key is 1-39 decimal digits with a value of at most 2^128-1.");
        }

        return value;
    }

    /// <summary>Writes the decimal form (no leading zeros) into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFormat(Span<char> destination, out int charsWritten) =>
        Value.TryFormat(destination, out charsWritten, default, CultureInfo.InvariantCulture);

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The decimal form without leading zeros, as Kinesis renders hash keys.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
