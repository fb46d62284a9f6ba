using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

public sealed class ArnPatternTests
{
    private const string Stream = "arn:aws:kinesis:us-east-1:111122223333:stream/orders";
    private const string Consumer = "arn:aws:kinesis:us-east-1:111122223333:stream/orders/consumer/app:1700000000";

    [Theory]
    [InlineData("*", Stream, true)]
    [InlineData(Stream, Stream, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/Orders", Stream, false)]
    [InlineData("arn:aws:kinesis:*:*:*", Stream, true)]
    [InlineData("arn:aws:kinesis:*:111122223333:stream/*", Stream, true)]
    [InlineData("arn:aws:kinesis:*:444455556666:stream/*", Stream, false)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/ord*", Stream, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/order?", Stream, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/order", Stream, false)]
    [InlineData("arn:aws:kinesis:us-*-1:111122223333:stream/orders", Stream, true)]
    [InlineData("arn:aws:kinesis:*", Stream, false)]
    [InlineData("arn:aws:*:us-east-1:111122223333:stream/orders", Stream, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:*", Consumer, true)]
    [InlineData("arn:aws:kinesis:*:111122223333:*/*/consumer/*:*", Consumer, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/orders/consumer/app:*", Consumer, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/orders", Consumer, false)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/*", Consumer, true)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/orders", "not-an-arn", false)]
    public void Matches_Table_PerPartAndCaseSensitive(string pattern, string arn, bool expected)
        => Assert.Equal(expected, ArnPattern.Matches(pattern, arn));

    [Fact]
    public void Matches_WildcardInRegion_DoesNotCrossIntoAccount()
        => Assert.False(ArnPattern.Matches("arn:aws:kinesis:us-east-1*:stream/orders", Stream));
}
