using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed class ShardIdTests
{
    [Theory]
    [InlineData(0, "shardId-000000000000")]
    [InlineData(7, "shardId-000000000007")]
    [InlineData(123456, "shardId-000000123456")]
    [InlineData(int.MaxValue, "shardId-002147483647")]
    public void ToString_Index_IsTwelveDigitZeroPadded(int index, string expected)
    {
        Assert.Equal(expected, new ShardId(index).ToString());
        Assert.Equal(expected, $"{new ShardId(index)}");
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("shardId-0", 0)]
    [InlineData("shardId-000000000000", 0)]
    [InlineData("foo-00000000001", 1)]
    [InlineData("shardId-000000000042", 42)]
    [InlineData("shardId-2147483647", int.MaxValue)]
    [InlineData("-5", 5)]
    [InlineData("a-b-7", -1)] // text after the first '-' is "b-7"
    [InlineData("shardId-", -1)]
    [InlineData("shardId-2147483648", -1)]
    [InlineData("shardId-99999999999999999999", -1)]
    [InlineData("shardId-12a", -1)]
    [InlineData("shardId- 1", -1)]
    [InlineData("shardId-+1", -1)]
    [InlineData("shardId", -1)]
    [InlineData("", -1)]
    public void TryParse_LenientAwsRules_ResolvesIndex(string text, int expected)
    {
        bool parsed = ShardId.TryParse(text, out ShardId id);
        Assert.Equal(expected >= 0, parsed);
        if (parsed)
        {
            Assert.Equal(expected, id.Value);
            Assert.Equal(id, ShardId.Parse(text));
        }
        else
        {
            Assert.Throws<FormatException>(() => ShardId.Parse(text));
        }
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 1000)]
    public bool FormatThenParse_AnyIndex_RoundTrips(ShardId id)
    {
        Span<char> buffer = stackalloc char[ShardId.FormattedLength];
        return id.TryFormat(buffer, out int written)
            && written == ShardId.FormattedLength
            && ShardId.TryParse(buffer, out ShardId parsed)
            && parsed == id
            && ShardId.Parse(id.ToString()) == id;
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyText_AgreesWithSubstringAfterFirstDash() =>
        Prop.ForAll(ModelGenerators.NumericLikeText.ToArbitrary(), text =>
        {
            int dash = text.IndexOf('-', StringComparison.Ordinal);
            string digits = dash < 0 ? text : text[(dash + 1)..];
            bool expected = digits.Length > 0
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out _);
            bool parsed = ShardId.TryParse(text, out ShardId id);
            return parsed == expected && (!parsed || id.Value == int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));
        });

    [Fact]
    public void Constructor_NegativeIndex_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardId(-1));
    }

    [Fact]
    public void TryFormat_DestinationTooSmall_ReturnsFalse()
    {
        Assert.False(new ShardId(1).TryFormat(stackalloc char[ShardId.FormattedLength - 1], out int written));
        Assert.Equal(0, written);
    }
}
