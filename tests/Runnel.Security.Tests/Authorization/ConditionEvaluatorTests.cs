using System.Text.Json;
using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

public sealed class ConditionEvaluatorTests
{
    /// <summary>A condition as a policy writes it, read through the parser.</summary>
    internal static PolicyCondition Condition(string op, string key, params string[] values)
    {
        string list = string.Join(",", values.Select(v => JsonSerializer.Serialize(v)));
        string json = """{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{""" + $"\"{op}\":{{\"{key}\":[{list}]" + "}}}}";
        return PolicyParser.Parse(json, PolicyKind.Identity).Statements[0].Conditions[0];
    }

    private static ConditionContext With(string key, params string[] values) => new ConditionContext().Set(key, values);

    private static readonly ConditionContext s_empty = new();

    [Theory]
    // String operators: case-sensitive unless IgnoreCase; Like with * and ?; several values OR-ed.
    [InlineData("StringEquals", "data", "data", true)]
    [InlineData("StringEquals", "data", "Data", false)]
    [InlineData("StringNotEquals", "data", "Data", true)]
    [InlineData("StringNotEquals", "data", "data", false)]
    [InlineData("StringEqualsIgnoreCase", "data", "DATA", true)]
    [InlineData("StringEqualsIgnoreCase", "data", "dat", false)]
    [InlineData("StringNotEqualsIgnoreCase", "data", "DATA", false)]
    [InlineData("StringNotEqualsIgnoreCase", "data", "ops", true)]
    [InlineData("StringLike", "d?t*", "data-lake", true)]
    [InlineData("StringLike", "d?t*", "Data", false)]
    [InlineData("StringNotLike", "d*", "ops", true)]
    [InlineData("StringNotLike", "d*", "dev", false)]
    // Numbers.
    [InlineData("NumericEquals", "10", "10.0", true)]
    [InlineData("NumericNotEquals", "10", "11", true)]
    [InlineData("NumericLessThan", "10", "9.5", true)]
    [InlineData("NumericLessThan", "10", "10", false)]
    [InlineData("NumericLessThanEquals", "10", "10", true)]
    [InlineData("NumericGreaterThan", "10", "10", false)]
    [InlineData("NumericGreaterThan", "10", "1e2", true)]
    [InlineData("NumericGreaterThanEquals", "-1", "-1", true)]
    [InlineData("NumericEquals", "10", "ten", false)]
    // Dates: ISO 8601 or epoch seconds, compared as instants.
    [InlineData("DateEquals", "2026-01-01T00:00:00Z", "1767225600", true)]
    [InlineData("DateNotEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", true)]
    [InlineData("DateLessThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", true)]
    [InlineData("DateLessThan", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", false)]
    [InlineData("DateLessThanEquals", "2026-01-01", "2026-01-01T00:00:00Z", true)]
    [InlineData("DateGreaterThan", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+02:00", false)]
    [InlineData("DateGreaterThanEquals", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", true)]
    // Bool.
    [InlineData("Bool", "true", "true", true)]
    [InlineData("Bool", "true", "TRUE", true)]
    [InlineData("Bool", "false", "true", false)]
    // IP addresses: CIDR, single address, IPv6, IPv4-mapped IPv6.
    [InlineData("IpAddress", "203.0.113.0/24", "203.0.113.77", true)]
    [InlineData("IpAddress", "203.0.113.0/24", "203.0.114.1", false)]
    [InlineData("IpAddress", "203.0.113.5", "203.0.113.5", true)]
    [InlineData("IpAddress", "203.0.113.5/20", "203.0.112.1", true)]
    [InlineData("IpAddress", "10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("IpAddress", "2001:db8::/32", "2001:db8:1234::1", true)]
    [InlineData("IpAddress", "2001:db8::/32", "2001:db9::1", false)]
    [InlineData("IpAddress", "0.0.0.0/0", "198.51.100.1", true)]
    [InlineData("IpAddress", "2001:db8::/32", "10.0.0.1", false)]
    [InlineData("NotIpAddress", "10.0.0.0/8", "192.168.0.1", true)]
    [InlineData("NotIpAddress", "10.0.0.0/8", "10.9.9.9", false)]
    // ARNs: per part, wildcards in Like and Equals alike (as IAM does).
    [InlineData("ArnEquals", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", true)]
    [InlineData("ArnLike", "arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/alice", true)]
    [InlineData("ArnLike", "arn:aws:iam::*:role/reader", "arn:aws:iam::111122223333:user/reader", false)]
    [InlineData("ArnNotEquals", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", true)]
    [InlineData("ArnNotLike", "arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:user/bob", false)]
    [InlineData("ArnLike", "arn:aws:iam::*:*", "not an arn", false)]
    public void Holds_OperatorTable_AsIam(string op, string policyValue, string requestValue, bool expected)
        => Assert.Equal(expected, ConditionEvaluator.Holds(Condition(op, "k", policyValue), With("k", requestValue)));

    [Theory]
    [InlineData("StringEquals", false)]
    [InlineData("NumericLessThan", false)]
    [InlineData("IpAddress", false)]
    [InlineData("ArnLike", false)]
    [InlineData("Bool", false)]
    [InlineData("StringNotEquals", true)]
    [InlineData("StringNotLike", true)]
    [InlineData("NotIpAddress", true)]
    [InlineData("ArnNotLike", true)]
    [InlineData("StringEqualsIfExists", true)]
    [InlineData("NumericLessThanIfExists", true)]
    [InlineData("ForAnyValue:StringEquals", false)]
    [InlineData("ForAllValues:StringEquals", true)]
    public void Holds_KeyAbsent_PositiveFailsNegatedAndIfExistsHold(string op, bool expected)
    {
        string value = op.Contains("Ip", StringComparison.Ordinal) ? "10.0.0.0/8"
            : op.Contains("Arn", StringComparison.Ordinal) ? "arn:aws:iam::*:root"
            : op.Contains("Numeric", StringComparison.Ordinal) ? "5"
            : op.StartsWith("Bool", StringComparison.Ordinal) ? "true" : "x";
        Assert.Equal(expected, ConditionEvaluator.Holds(Condition(op, "k", value), s_empty));
    }

    [Fact]
    public void Holds_IfExistsWithKeyPresent_EvaluatesTheOperator()
    {
        PolicyCondition condition = Condition("StringEqualsIfExists", "aws:ResourceTag/team", "data");
        Assert.True(ConditionEvaluator.Holds(condition, With("aws:ResourceTag/team", "data")));
        Assert.False(ConditionEvaluator.Holds(condition, With("aws:ResourceTag/team", "ops")));
    }

    [Fact]
    public void Holds_SeveralValues_AreOredAndNegatedOperatorNeedsNone()
    {
        Assert.True(ConditionEvaluator.Holds(Condition("StringEquals", "k", "a", "b"), With("k", "b")));
        Assert.False(ConditionEvaluator.Holds(Condition("StringEquals", "k", "a", "b"), With("k", "c")));
        Assert.False(ConditionEvaluator.Holds(Condition("StringNotEquals", "k", "a", "b"), With("k", "b")));
        Assert.True(ConditionEvaluator.Holds(Condition("StringNotEquals", "k", "a", "b"), With("k", "c")));
        Assert.True(ConditionEvaluator.Holds(Condition("IpAddress", "aws:SourceIp", "10.0.0.0/8", "192.168.0.0/16"), With("aws:SourceIp", "192.168.3.4")));
    }

    [Fact]
    public void Holds_KeyNames_AreCaseInsensitive()
        => Assert.True(ConditionEvaluator.Holds(Condition("StringEquals", "AWS:RESOURCETAG/Team", "data"), With("aws:ResourceTag/team", "data")));

    [Theory]
    // ForAnyValue: some request value matches some policy value; an empty set never.
    [InlineData("ForAnyValue:StringEquals", new[] { "team", "env" }, true)]
    [InlineData("ForAnyValue:StringEquals", new[] { "cost" }, false)]
    [InlineData("ForAnyValue:StringEquals", new string[0], false)]
    [InlineData("ForAnyValue:StringNotEquals", new[] { "team", "cost" }, true)]
    [InlineData("ForAnyValue:StringNotEquals", new[] { "team" }, false)]
    // ForAllValues: every request value matches some policy value; an empty set always.
    [InlineData("ForAllValues:StringEquals", new[] { "team", "env" }, true)]
    [InlineData("ForAllValues:StringEquals", new[] { "team", "cost" }, false)]
    [InlineData("ForAllValues:StringEquals", new string[0], true)]
    [InlineData("ForAllValues:StringNotEquals", new[] { "cost", "owner" }, true)]
    [InlineData("ForAllValues:StringNotEquals", new[] { "cost", "team" }, false)]
    // No qualifier on a multivalued key: a positive operator needs one match, a negated one none.
    [InlineData("StringEquals", new[] { "cost", "env" }, true)]
    [InlineData("StringNotEquals", new[] { "cost", "env" }, false)]
    [InlineData("StringNotEquals", new[] { "cost", "owner" }, true)]
    public void Holds_SetQualifiers_OnMultivaluedKey(string op, string[] requestValues, bool expected)
        => Assert.Equal(expected, ConditionEvaluator.Holds(Condition(op, "aws:TagKeys", "team", "env"), With("aws:TagKeys", requestValues)));

    [Fact]
    public void Holds_ForAllValuesWithKeyAbsent_Holds()
        => Assert.True(ConditionEvaluator.Holds(Condition("ForAllValues:StringEquals", "aws:TagKeys", "team"), s_empty));

    [Theory]
    [InlineData("true", false, true)]
    [InlineData("true", true, false)]
    [InlineData("false", true, true)]
    [InlineData("false", false, false)]
    public void Holds_Null_TestsPresenceOnly(string policyValue, bool present, bool expected)
        => Assert.Equal(expected, ConditionEvaluator.Holds(Condition("Null", "aws:ResourceTag/team", policyValue),
            present ? With("aws:ResourceTag/team", "anything") : s_empty));

    [Fact]
    public void All_SeveralKeysAndOperators_AreAnded()
    {
        string json = """
            {"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
              "StringEquals":{"aws:ResourceTag/team":"data","aws:RequestedRegion":"us-east-1"},
              "Bool":{"aws:SecureTransport":"true"}}}}
            """;
        IReadOnlyList<PolicyCondition> conditions = PolicyParser.Parse(json, PolicyKind.Identity).Statements[0].Conditions;
        Assert.Equal(3, conditions.Count);
        ConditionContext all = new ConditionContext().Set("aws:ResourceTag/team", "data").Set("aws:RequestedRegion", "us-east-1").Set("aws:SecureTransport", "true");
        Assert.True(ConditionEvaluator.All(conditions, all));
        Assert.False(ConditionEvaluator.All(conditions, all.Set("aws:SecureTransport", "false")));
        Assert.False(ConditionEvaluator.All(conditions, new ConditionContext().Set("aws:ResourceTag/team", "data").Set("aws:SecureTransport", "true")));
    }
}
