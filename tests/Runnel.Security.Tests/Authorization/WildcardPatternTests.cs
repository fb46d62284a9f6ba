using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("kinesis:*", "kinesis:PutRecord", true, true)]
    [InlineData("kinesis:Get*", "kinesis:GetRecords", true, true)]
    [InlineData("kinesis:Get*", "kinesis:GetShardIterator", true, true)]
    [InlineData("kinesis:Get*", "kinesis:PutRecord", true, false)]
    [InlineData("kinesis:get*", "kinesis:GetRecords", true, true)]
    [InlineData("kinesis:get*", "kinesis:GetRecords", false, false)]
    [InlineData("KINESIS:PUTRECORD", "kinesis:PutRecord", true, true)]
    [InlineData("kinesis:PutRecord", "kinesis:PutRecords", true, false)]
    [InlineData("kinesis:PutRecord?", "kinesis:PutRecords", true, true)]
    [InlineData("kinesis:PutRecord?", "kinesis:PutRecord", true, false)]
    [InlineData("kinesis:?etRecords", "kinesis:GetRecords", true, true)]
    [InlineData("*", "", true, true)]
    [InlineData("*", "anything:at all", true, true)]
    [InlineData("", "", true, true)]
    [InlineData("", "x", true, false)]
    [InlineData("a*b*c", "aXXbYYc", false, true)]
    [InlineData("a*b*c", "aXXbYY", false, false)]
    [InlineData("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", false, true)]
    [InlineData("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false)]
    [InlineData("**", "x", false, true)]
    [InlineData("?*", "", false, false)]
    public void Matches_Table_AsIam(string pattern, string value, bool ignoreCase, bool expected)
        => Assert.Equal(expected, WildcardPattern.Matches(pattern, value, ignoreCase));
}
