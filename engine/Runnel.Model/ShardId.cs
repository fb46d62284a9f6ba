namespace Runnel.Model;

/// <summary>
/// A shard's index within its stream (0 .. 2^31-1), rendered as <c>shardId-</c> plus a 12-digit zero-padded
/// decimal, e.g. <c>shardId-000000000007</c>. Indexes are assigned sequentially per stream, children continuing the
/// counter. Immutable value type; formatting into a caller buffer and parsing do not allocate.
/// </summary>
public readonly record struct ShardId(int Value) : IComparable<ShardId>, ISpanFormattable
{
    /// <summary>The text before the digits.</summary>
    public const string Prefix = "shardId-";

    /// <summary>Digits after <see cref="Prefix"/>.</summary>
    public const int DigitCount = 12;

    /// <summary>Length of the canonical form, <c>shardId-000000000000</c>.</summary>
    public const int FormattedLength = 20;

    /// <summary>The shard index; never negative.</summary>
    public int Value { get; } = ValidateIndex(Value);

    public static bool operator <(ShardId left, ShardId right) => left.Value < right.Value;

    public static bool operator <=(ShardId left, ShardId right) => left.Value <= right.Value;

    public static bool operator >(ShardId left, ShardId right) => left.Value > right.Value;

    public static bool operator >=(ShardId left, ShardId right) => left.Value >= right.Value;

    public int CompareTo(ShardId other) => Value.CompareTo(other.Value);

    /// <summary>
    /// Resolves a requested shard ID as leniently as AWS: the text after the first <c>-</c> (or the whole text if
    /// there is none) must be one or more ASCII digits with a value in 0 .. 2^31-1. So <c>0</c>, <c>shardId-0</c>
    /// and <c>foo-00000000001</c> parse (to 0, 0 and 1), while <c>shardId-</c>, <c>shardId-12a</c> and
    /// <c>shardId-2147483648</c> do not.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ShardId value)
    {
        value = default;
        int dash = text.IndexOf('-');
        ReadOnlySpan<char> digits = dash < 0 ? text : text[(dash + 1)..];
        if (digits.IsEmpty)
        {
            return false;
        }

        long result = 0;
        foreach (char c in digits)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            result = (result * 10) + digit;
            if (result > int.MaxValue)
            {
                return false;
            }
        }

        value = new ShardId((int)result);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on invalid text.</summary>
    public static ShardId Parse(ReadOnlySpan<char> text)
    {
        if (!TryParse(text, out ShardId value))
        {
            ThrowHelper.ThrowFormat("A shard ID is 'shardId-' followed by a decimal index in 0..2147483647.");
        }

        return value;
    }

    /// <summary>Writes the canonical 20-character form into <paramref name="destination"/>.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < FormattedLength)
        {
            charsWritten = 0;
            return false;
        }

        Prefix.CopyTo(destination);
        uint remaining = (uint)Value;
        for (int i = FormattedLength - 1; i >= Prefix.Length; i--)
        {
            (remaining, uint digit) = Math.DivRem(remaining, 10);
            destination[i] = (char)('0' + digit);
        }

        charsWritten = FormattedLength;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The canonical form, e.g. <c>shardId-000000000007</c>.</summary>
    public override string ToString() => string.Create(FormattedLength, this, static (span, id) => id.TryFormat(span, out _));

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    private static int ValidateIndex(int value)
    {
        if (value < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(value), "A shard index is in 0..2147483647.");
        }

        return value;
    }
}
