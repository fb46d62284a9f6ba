using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed partial class SequenceNumberTests
{
    private const long CreatedAt = 1_700_000_000;
    private const uint Tag = 0x2A_5A5A;

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 2000)]
    public bool ToString_AnyNumber_IsLayoutValueIn56Digits(SequenceNumber number)
    {
        string text = number.ToString();
        return text.Length == SequenceNumber.FormattedLength
            && text[0] != '0'
            && text == Reference(number).ToString(CultureInfo.InvariantCulture);
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 2000)]
    public bool FormatThenParse_AnyNumber_RoundTripsAllFields(SequenceNumber number)
    {
        Span<char> buffer = stackalloc char[SequenceNumber.FormattedLength];
        return number.TryFormat(buffer, out int written)
            && written == SequenceNumber.FormattedLength
            && SequenceNumber.TryParse(buffer, out SequenceNumber parsed) == SequenceNumberParseStatus.Ok
            && parsed == number
            && parsed.ShardCreationSeconds == number.ShardCreationSeconds
            && parsed.StreamTag == number.StreamTag
            && parsed.ShardIndex == number.ShardIndex
            && parsed.Counter == number.Counter
            && SequenceNumber.Parse(number.ToString()).Equals(number);
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool Compare_AnyPair_MatchesNumericAndTextOrder(SequenceNumber a, SequenceNumber b)
    {
        int sign = Math.Sign(a.CompareTo(b));
        return sign == Math.Sign(Reference(a).CompareTo(Reference(b)))
            && sign == Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString()))
            && (a < b) == (sign < 0) && (a <= b) == (sign <= 0) && (a > b) == (sign > 0) && (a >= b) == (sign >= 0)
            && (a == b) == (sign == 0) && (a != b) == (sign != 0);
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool Compare_SameShard_OrdersByCounter(SequenceNumber number, ulong otherCounter)
    {
        SequenceNumber other = number.WithCounter(otherCounter);
        return Math.Sign(number.CompareTo(other)) == Math.Sign(number.Counter.CompareTo(otherCounter))
            && number.IsSameShard(other)
            && ShardStartOf(number) <= number
            && (number.Counter == 0 || ShardStartOf(number) < number);
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool Equals_DifferentShardIndexes_NeverEqual(SequenceNumber number, ShardId otherShard, ulong otherCounter)
    {
        if (otherShard.Value == number.ShardIndex)
        {
            return true;
        }

        var other = new SequenceNumber(number.ShardCreationSeconds, number.StreamTag, otherShard.Value, otherCounter);
        return other != number
            && !other.Equals(number)
            && other.ToString() != number.ToString()
            && !other.IsSameShard(number);
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyText_IsMalformedExactlyWhenKinesisPatternRejects() =>
        Prop.ForAll(ModelGenerators.NumericLikeText.ToArbitrary(), text =>
        {
            SequenceNumberParseStatus status = SequenceNumber.TryParse(text, out SequenceNumber value);
            bool matchesPattern = KinesisPattern().IsMatch(text);
            return (status == SequenceNumberParseStatus.Malformed) == !matchesPattern
                && (status != SequenceNumberParseStatus.Ok || value.ToString() == text);
        });

    [Fact]
    public void Compare_ChildShardCreatedLater_IsGreaterThanParent()
    {
        var parentLast = new SequenceNumber(CreatedAt, Tag, shardIndex: 5, counter: ulong.MaxValue);
        SequenceNumber childFirst = SequenceNumber.ShardStart(CreatedAt + 1, Tag, shardIndex: 1);
        Assert.True(childFirst > parentLast);
    }

    [Fact]
    public void ShardStart_AnyShard_HasCounterZeroAndIsBelowFirstRecord()
    {
        SequenceNumber start = SequenceNumber.ShardStart(CreatedAt, Tag, 3);
        Assert.Equal(0UL, start.Counter);
        Assert.Equal(new ShardId(3), start.ShardId);
        Assert.Equal(CreatedAt, start.ShardCreationSeconds);
        Assert.Equal(Tag, start.StreamTag);
        Assert.True(start < start.WithCounter(1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("00")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("abc")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("1e5")]
    [InlineData("٣")]
    public void TryParse_NotMatchingKinesisPattern_IsMalformed(string text)
    {
        Assert.Equal(SequenceNumberParseStatus.Malformed, SequenceNumber.TryParse(text, out SequenceNumber value));
        Assert.Equal(default, value);
        Assert.Throws<FormatException>(() => SequenceNumber.Parse(text));
    }

    [Fact]
    public void TryParse_130Digits_IsMalformedAnd129IsForeign()
    {
        Assert.Equal(SequenceNumberParseStatus.Malformed, SequenceNumber.TryParse("1" + new string('0', 129), out _));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse("1" + new string('0', 128), out _));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("12345")]
    [InlineData("49590338271490256608559692538361571095921575989136588898")] // a real AWS number (version 4 nibble)
    [InlineData("10000000000000000000000000000000000000000000000000000000")] // 10^55: version nibble 0
    [InlineData("99999999999999999999999999999999999999999999999999999999")]
    [InlineData("495903382714902566085596925383615710959215759891365888980")] // 57 digits
    public void TryParse_ValidSyntaxNotIssuedByRunnel_IsForeign(string text)
    {
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(text, out SequenceNumber value));
        Assert.Equal(default, value);
        Assert.Throws<FormatException>(() => SequenceNumber.Parse(text));
    }

    [Fact]
    public void TryParse_ReservedBitsSet_IsForeign()
    {
        BigInteger valid = Reference(new SequenceNumber(CreatedAt, Tag, 9, 77));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(Text(valid + 1), out _));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(Text(valid + uint.MaxValue), out _));
    }

    [Fact]
    public void TryParse_ShardIndexAboveInt32_IsForeign()
    {
        BigInteger valid = Reference(new SequenceNumber(CreatedAt, Tag, int.MaxValue, 77));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(Text(valid + (BigInteger.One << 32)), out _));
    }

    [Fact]
    public void TryParse_VersionNibbleOtherThanTwo_IsForeign()
    {
        BigInteger valid = Reference(new SequenceNumber(CreatedAt, Tag, 1, 1));
        Assert.Equal(SequenceNumberParseStatus.Ok, SequenceNumber.TryParse(Text(valid), out _));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(Text(valid + (BigInteger.One << 184)), out _));
        Assert.Equal(SequenceNumberParseStatus.Foreign, SequenceNumber.TryParse(Text(valid - (BigInteger.One << 184)), out _));
    }

    [Fact]
    public void Extremes_SmallestAndLargest_Are56Digits()
    {
        SequenceNumber smallest = SequenceNumber.ShardStart(0, 0, 0);
        var largest = new SequenceNumber(SequenceNumber.MaxShardCreationSeconds, SequenceNumber.MaxStreamTag, int.MaxValue, ulong.MaxValue);
        Assert.Equal(Text(BigInteger.One << 185), smallest.ToString());
        Assert.Equal(56, largest.ToString().Length);
        Assert.True((BigInteger.One << 186) > Reference(largest));
        Assert.Equal(SequenceNumberParseStatus.Ok, SequenceNumber.TryParse(largest.ToString(), out SequenceNumber parsed));
        Assert.Equal(largest, parsed);
    }

    [Fact]
    public void Constructor_FieldOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNumber(-1, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNumber(SequenceNumber.MaxShardCreationSeconds + 1, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNumber(0, SequenceNumber.MaxStreamTag + 1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNumber(0, 0, -1, 0));
    }

    [Fact]
    public void TryFormat_DestinationTooSmall_ReturnsFalse()
    {
        SequenceNumber number = SequenceNumber.ShardStart(CreatedAt, Tag, 0);
        Assert.False(number.TryFormat(stackalloc char[55], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Default_IsNotIssuable_AndRendersAsZeros()
    {
        Assert.Equal(new string('0', 56), default(SequenceNumber).ToString());
        Assert.Equal(SequenceNumberParseStatus.Malformed, SequenceNumber.TryParse(default(SequenceNumber).ToString(), out _));
    }

    private static SequenceNumber ShardStartOf(SequenceNumber number) =>
        SequenceNumber.ShardStart(number.ShardCreationSeconds, number.StreamTag, number.ShardIndex);

    // The documented layout, computed independently with BigInteger.
    private static BigInteger Reference(SequenceNumber number) =>
        (new BigInteger(2) << 184)
        | (new BigInteger(number.ShardCreationSeconds) << 150)
        | (new BigInteger(number.StreamTag) << 128)
        | (new BigInteger(number.Counter) << 64)
        | (new BigInteger(number.ShardIndex) << 32);

    private static string Text(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,128})\z", RegexOptions.CultureInvariant)]
    private static partial Regex KinesisPattern();
}
