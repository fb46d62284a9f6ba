using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed class HashKeyTests
{
    private const string MaxText = "340282366920938463463374607431768211455";

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool FormatThenParse_AnyValue_RoundTrips(UInt128 value)
    {
        var key = new HashKey(value);
        Span<char> buffer = stackalloc char[HashKey.MaxDigits];
        return key.TryFormat(buffer, out int written)
            && HashKey.TryParse(buffer[..written], out HashKey parsed)
            && parsed == key
            && HashKey.Parse(key.ToString()) == key;
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool ToString_AnyValue_IsDecimalWithoutLeadingZeros(UInt128 value)
    {
        string text = new HashKey(value).ToString();
        return text == ((BigInteger)value).ToString(CultureInfo.InvariantCulture)
            && (text == "0" || text[0] != '0');
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool Compare_AnyPair_MatchesUInt128(UInt128 a, UInt128 b)
    {
        HashKey x = new(a), y = new(b);
        return Math.Sign(x.CompareTo(y)) == Math.Sign(a.CompareTo(b))
            && (x < y) == (a < b) && (x <= y) == (a <= b) && (x > y) == (a > b) && (x >= y) == (a >= b)
            && (x == y) == (a == b);
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyText_AgreesWithBigIntegerReference() =>
        Prop.ForAll(ModelGenerators.NumericLikeText.ToArbitrary(), text =>
        {
            bool expected = text.Length is >= 1 and <= HashKey.MaxDigits
                && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out BigInteger reference)
                && reference <= (BigInteger)UInt128.MaxValue;
            bool parsed = HashKey.TryParse(text, out HashKey key);
            return parsed == expected
                && (!parsed || (BigInteger)key.Value == BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
        });

    [Fact]
    public void MinAndMax_Always_AreZeroAndTwoPow128MinusOne()
    {
        Assert.Equal("0", HashKey.MinValue.ToString());
        Assert.Equal(MaxText, HashKey.MaxValue.ToString());
        Assert.Equal(UInt128.MaxValue, HashKey.MaxValue.Value);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("007", "7")]
    [InlineData("000000000000000000000000000000000000001", "1")]
    [InlineData(MaxText, MaxText)]
    [InlineData("170141183460469231731687303715884105728", "170141183460469231731687303715884105728")]
    public void TryParse_ValidDigits_ReturnsValue(string text, string expected)
    {
        Assert.True(HashKey.TryParse(text, out HashKey key));
        Assert.Equal(expected, key.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1_000")]
    [InlineData("1,000")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    [InlineData("12a")]
    [InlineData("٣")] // Arabic-Indic digit three: char.IsDigit, but not ASCII
    [InlineData("340282366920938463463374607431768211456")] // 2^128
    [InlineData("999999999999999999999999999999999999999")]
    [InlineData("0340282366920938463463374607431768211455")] // 40 digits
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(HashKey.TryParse(text, out HashKey key));
        Assert.Equal(default, key);
        Assert.Throws<FormatException>(() => HashKey.Parse(text));
    }

    [Fact]
    public void TryFormat_DestinationTooSmall_ReturnsFalse()
    {
        Span<char> buffer = stackalloc char[38];
        Assert.False(HashKey.MaxValue.TryFormat(buffer, out _));
        Assert.True(HashKey.MaxValue.TryFormat(stackalloc char[39], out int written));
        Assert.Equal(39, written);
    }

    [Fact]
    public void Interpolation_HashKey_UsesDecimalForm()
    {
        Assert.Equal("key=" + MaxText, $"key={HashKey.MaxValue}");
    }
}
