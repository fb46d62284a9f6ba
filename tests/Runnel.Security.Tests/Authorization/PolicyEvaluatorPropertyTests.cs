using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

/// <summary>
/// The evaluator against <see cref="ReferenceModel"/> on random policies over a small alphabet (actions with and
/// without wildcards and case changes, ARN patterns with wildcards in several parts, principals of two accounts and
/// a role session, conditions of several operators with qualifiers and IfExists, Allow/Deny mixes, NotAction,
/// NotResource, NotPrincipal). Each case goes through JSON and the parser first, so the parse round trip is checked
/// too.
/// </summary>
public sealed class PolicyEvaluatorPropertyTests
{
    private const string A = RefCase.Account;
    private const string B = "222222222222";

    private static readonly string[] s_requestPrincipals =
    [
        $"arn:aws:iam::{A}:user/alice", $"arn:aws:iam::{A}:user/bob", $"arn:aws:iam::{A}:root",
        $"arn:aws:iam::{B}:user/carol", $"arn:aws:sts::{B}:assumed-role/reader/job-1", $"arn:aws:iam::{B}:root",
    ];

    private static readonly string[] s_principalEntries =
    [
        "*", A, B, $"arn:aws:iam::{A}:root", $"arn:aws:iam::{B}:root", $"arn:aws:iam::{A}:user/alice",
        $"arn:aws:iam::{B}:user/carol", $"arn:aws:iam::{B}:role/reader", $"arn:aws:iam::{A}:user/bob",
    ];

    private static readonly string[] s_actions =
        ["kinesis:PutRecord", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary", "kinesis:ListShards"];

    private static readonly string[] s_actionPatterns =
    [
        "*", "kinesis:*", "kinesis:Get*", "kinesis:get*", "kinesis:Describe*", "kinesis:PutRecord", "KINESIS:PUTRECORD",
        "kinesis:G?tRecords", "kinesis:PutRecords", "s3:*", "kinesis:List*", "kinesis:*Shard*",
    ];

    private static readonly string[] s_resources =
    [
        $"arn:aws:kinesis:us-east-1:{A}:stream/a", $"arn:aws:kinesis:us-east-1:{A}:stream/ab", $"arn:aws:kinesis:us-east-1:{A}:stream/B",
        $"arn:aws:kinesis:us-east-1:{A}:stream/a/consumer/c:1700000000",
    ];

    private static readonly string[] s_resourcePatterns =
    [
        "*", "arn:aws:kinesis:*:*:*", $"arn:aws:kinesis:us-east-1:{A}:stream/a", $"arn:aws:kinesis:us-east-1:{A}:stream/a*",
        $"arn:aws:kinesis:us-east-1:{A}:stream/?", $"arn:aws:kinesis:us-east-1:{A}:stream/b", $"arn:aws:kinesis:*:{A}:stream/*",
        $"arn:aws:kinesis:us-east-1:{A}:stream/a/consumer/*", $"arn:aws:kinesis:us-east-1:{B}:stream/a",
        $"arn:aws:kinesis:*:{A}:*/*/consumer/*:*", $"arn:aws:kinesis:us-*:{A}:stream/*B",
    ];

    private static readonly Gen<RefCondition> s_condition = Gen.OneOf(
        from op in Gen.Elements("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
            "StringNotLike", "StringEqualsIfExists", "StringNotLikeIfExists")
        from key in Gen.Elements("aws:ResourceTag/team", "AWS:RESOURCETAG/team")
        from values in Values("data", "DATA", "ops", "d*", "?ps")
        select new RefCondition(op, key, values),
        from op in Gen.Elements("IpAddress", "NotIpAddress", "IpAddressIfExists")
        from values in Values("10.0.0.0/8", "192.168.1.0/24", "192.168.1.7", "0.0.0.0/0")
        select new RefCondition(op, "aws:SourceIp", values),
        from value in Gen.Elements("true", "false")
        select new RefCondition("Bool", "aws:SecureTransport", [value]),
        from op in Gen.Elements("ForAnyValue:StringEquals", "ForAllValues:StringEquals", "ForAnyValue:StringNotEquals",
            "ForAllValues:StringLike", "StringEquals", "StringNotEquals")
        from values in Values("team", "env", "c*")
        select new RefCondition(op, "aws:TagKeys", values),
        from value in Gen.Elements("true", "false")
        from key in Gen.Elements("aws:ResourceTag/team", "aws:SourceIp", "aws:TagKeys")
        select new RefCondition("Null", key, [value]),
        from op in Gen.Elements("NumericLessThan", "NumericGreaterThanEquals")
        from value in Gen.Elements("1700000000", "1600000000")
        select new RefCondition(op, "aws:EpochTime", [value]));

    private static Gen<string[]> Values(params string[] alphabet) => Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet), n));

    private static Gen<RefStatement> Statement(bool resource) =>
        from deny in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from everyone in resource ? Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false))) : Gen.Constant(false)
        from principals in resource && !everyone ? Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(Gen.Elements(s_principalEntries), n)) : Gen.Constant<string[]?>(null)
        from notPrincipal in resource ? Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false))) : Gen.Constant(false)
        from actions in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(s_actionPatterns), n))
        from notAction in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from resources in Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(Gen.Elements(s_resourcePatterns), n))
        from notResource in Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false)))
        from conditionCount in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)))
        from conditions in Gen.ArrayOf(s_condition, conditionCount)
        from single in Gen.Elements(true, false)
        select new RefStatement(deny, everyone, principals, notPrincipal, actions, notAction, resources, notResource,
            Distinct(conditions), single);

    /// <summary>One test per (operator, key) pair, as a JSON object can hold.</summary>
    private static RefCondition[] Distinct(RefCondition[] conditions)
        => [.. conditions.GroupBy(c => (c.Operator, c.Key.ToUpperInvariant())).Select(g => g.First())];

    private static Gen<RefStatement[]> Policy(bool resource) => Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Statement(resource), n));

    private static readonly Gen<KeyValuePair<string, string[]>[]> s_context =
        from team in Gen.Elements<string?>(null, "data", "Data", "ops")
        from ip in Gen.Elements<string?>(null, "10.1.2.3", "192.168.1.7", "172.16.0.1")
        from secure in Gen.Elements("true", "false")
        from tagKeys in Gen.Elements<string[]?>(null, [], ["team"], ["team", "env"], ["cost"], ["cost", "env"])
        from epoch in Gen.Elements("1600000000", "1800000000")
        select Context(team, ip, secure, tagKeys, epoch);

    private static KeyValuePair<string, string[]>[] Context(string? team, string? ip, string secure, string[]? tagKeys, string epoch)
    {
        var context = new List<KeyValuePair<string, string[]>> { new("aws:SecureTransport", [secure]), new("aws:EpochTime", [epoch]) };
        if (team is not null)
        {
            context.Add(new("aws:ResourceTag/team", [team]));
        }
        if (ip is not null)
        {
            context.Add(new("aws:SourceIp", [ip]));
        }
        if (tagKeys is not null)
        {
            context.Add(new("aws:TagKeys", tagKeys));
        }
        return [.. context];
    }

    private static readonly Gen<RefCase> s_case =
        from identityCount in Gen.Choose(0, 3)
        from identity in Gen.ArrayOf(Policy(resource: false), identityCount)
        from hasResource in Gen.Elements(true, false)
        from resource in hasResource ? Policy(resource: true).Select(p => (RefStatement[]?)p) : Gen.Constant<RefStatement[]?>(null)
        from principal in Gen.Elements(s_requestPrincipals)
        from action in Gen.Elements(s_actions)
        from arn in Gen.Elements(s_resources)
        from context in s_context
        select new RefCase(identity, resource, principal, action, arn, context);

    [Property(MaxTest = 10_000)]
    public Property Evaluate_RandomPolicies_AgreesWithTheReferenceModel() => Prop.ForAll(s_case.ToArbitrary(), c =>
    {
        PolicyDocument[] identity = [.. c.Identity.Select(p => RoundTrip(p, PolicyKind.Identity))];
        PolicyDocument? resource = c.Resource is null ? null : RoundTrip(c.Resource, PolicyKind.Resource);
        var context = new ConditionContext();
        foreach ((string key, string[] values) in c.Context)
        {
            context.Set(key, values);
        }
        var request = new AuthorizationRequest(new RequestPrincipal(c.Principal), c.Action, c.ResourceArn, RefCase.Account, context);
        string actual = PolicyEvaluator.Evaluate(identity, resource, request).ToString();
        string expected = ReferenceModel.Evaluate(c);
        Assert.True(expected == actual, $"expected {expected}, evaluator said {actual}\n{c}");
    });

    /// <summary>Writes the model as JSON, parses it, and checks that the parsed document says what the model says.</summary>
    private static PolicyDocument RoundTrip(RefStatement[] statements, PolicyKind kind)
    {
        string json = ReferenceModel.Json(statements, kind == PolicyKind.Resource);
        PolicyDocument document = PolicyParser.Parse(json, kind);
        Assert.Equal(statements.Length, document.Statements.Count);
        for (int i = 0; i < statements.Length; i++)
        {
            RefStatement expected = statements[i];
            PolicyStatement actual = document.Statements[i];
            Assert.Equal(expected.Deny ? PolicyEffect.Deny : PolicyEffect.Allow, actual.Effect);
            Assert.Equal(expected.Actions, actual.Actions);
            Assert.Equal(expected.NotAction, actual.NotAction);
            Assert.Equal(expected.Resources, actual.Resources);
            Assert.Equal(expected.NotResource, actual.NotResource);
            Assert.Equal(expected.Conditions.Length, actual.Conditions.Count);
            if (kind == PolicyKind.Resource)
            {
                Assert.Equal(expected.NotPrincipal, actual.NotPrincipal);
                Assert.Equal(expected.EveryoneString, actual.Principal!.Everyone);
                Assert.Equal(expected.Principals ?? [], actual.Principal.Aws);
            }
            else
            {
                Assert.Null(actual.Principal);
            }
        }
        return document;
    }
}
