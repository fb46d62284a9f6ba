using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

public sealed class PolicyParserTests
{
    [Fact]
    public void Parse_FullResourcePolicy_ReadsEveryElement()
    {
        const string json = """
            {
              "Version": "2012-10-17",
              "Id": "share",
              "Statement": [
                {
                  "Sid": "ReadFromOtherAccount",
                  "Effect": "Allow",
                  "Principal": {"AWS": ["arn:aws:iam::444455556666:role/reader", "111122223333"]},
                  "Action": ["kinesis:GetRecords", "kinesis:Get*", "kinesis:DescribeStream*"],
                  "Resource": "arn:aws:kinesis:us-east-1:111122223333:stream/orders",
                  "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team", "env*"]}, "NumericLessThan": {"n": 10}, "Bool": {"aws:SecureTransport": true}}
                },
                {
                  "Effect": "Deny",
                  "NotPrincipal": {"AWS": "*"},
                  "NotAction": "kinesis:Describe*",
                  "NotResource": ["arn:aws:kinesis:*:*:stream/public-*"]
                }
              ]
            }
            """;
        PolicyDocument policy = PolicyParser.Parse(json, PolicyKind.Resource);
        Assert.Equal(("2012-10-17", "share", PolicyKind.Resource), (policy.Version, policy.Id, policy.Kind));
        Assert.Equal(2, policy.Statements.Count);
        PolicyStatement first = policy.Statements[0];
        Assert.Equal("ReadFromOtherAccount", first.Sid);
        Assert.Equal(PolicyEffect.Allow, first.Effect);
        Assert.False(first.NotPrincipal);
        Assert.Equal(["arn:aws:iam::444455556666:role/reader", "111122223333"], first.Principal!.Aws);
        Assert.Equal(["kinesis:GetRecords", "kinesis:Get*", "kinesis:DescribeStream*"], first.Actions);
        Assert.Equal(["arn:aws:kinesis:us-east-1:111122223333:stream/orders"], first.Resources);
        Assert.Equal(3, first.Conditions.Count);
        PolicyCondition tagKeys = first.Conditions[0];
        Assert.Equal((ConditionOperator.StringLike, SetQualifier.ForAnyValue, true, "aws:TagKeys"), (tagKeys.Operator, tagKeys.Qualifier, tagKeys.IfExists, tagKeys.Key));
        Assert.Equal(["team", "env*"], tagKeys.Values);
        Assert.Equal("ForAnyValue:StringLikeIfExists", tagKeys.OperatorText);
        Assert.Equal(["10"], first.Conditions[1].Values);
        Assert.Equal(["true"], first.Conditions[2].Values);
        PolicyStatement second = policy.Statements[1];
        Assert.Equal((PolicyEffect.Deny, true, true, true), (second.Effect, second.NotPrincipal, second.NotAction, second.NotResource));
        Assert.Equal(["*"], second.Principal!.Aws);
    }

    [Fact]
    public void Parse_StatementAsSingleObject_IsOneStatement()
    {
        PolicyDocument policy = PolicyParser.Parse("""{"Statement":{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}}""", PolicyKind.Identity);
        Assert.Null(policy.Version);
        PolicyStatement statement = Assert.Single(policy.Statements);
        Assert.Null(statement.Principal);
        Assert.Equal(["kinesis:*"], statement.Actions);
    }

    [Fact]
    public void Parse_PrincipalStar_IsEveryone()
    {
        PolicyDocument policy = PolicyParser.Parse("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""", PolicyKind.Resource);
        Assert.True(policy.Statements[0].Principal!.Everyone);
    }

    [Fact]
    public void Parse_EmptyStatementArray_IsAPolicyThatGrantsNothing()
        => Assert.Empty(PolicyParser.Parse("""{"Version":"2012-10-17","Statement":[]}""", PolicyKind.Resource).Statements);

    [Theory]
    [InlineData("not json", "The policy is not valid JSON")]
    [InlineData("[1]", "The policy must be a JSON object.")]
    [InlineData("""{"Version":"2012-10-17"}""", "The policy has no Statement.")]
    [InlineData("""{"Version":"2020-01-01","Statement":[]}""", "Version '2020-01-01' is not supported")]
    [InlineData("""{"Statement":[],"Extra":1}""", "Unknown element 'Extra' in the policy")]
    [InlineData("""{"Statement":"x"}""", "Statement must be an object or an array of objects.")]
    [InlineData("""{"Statement":[1]}""", "Statement[0] must be an object.")]
    [InlineData("""{"Statement":[{"Action":"*","Resource":"*","Principal":"*"}]}""", "Statement[0] has no Effect.")]
    [InlineData("""{"Statement":[{"Effect":"allow","Action":"*","Resource":"*","Principal":"*"}]}""", "Statement[0].Effect must be \"Allow\" or \"Deny\", not 'allow'.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Resource":"*","Principal":"*"}]}""", "Statement[0] needs Action or NotAction.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Principal":"*"}]}""", "Statement[0] needs Resource or NotResource.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"x:y","Resource":"*","Principal":"*"}]}""", "Statement[0] has both Action and NotAction.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*","Principal":"*"}]}""", "Statement[0] has both Resource and NotResource.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""", "Statement[0] needs Principal or NotPrincipal")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","NotPrincipal":"*"}]}""", "Statement[0] has both Principal and NotPrincipal.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"PutRecord","Resource":"*","Principal":"*"}]}""", "Statement[0].Action 'PutRecord' is not an action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kinesis:Put:Record","Resource":"*","Principal":"*"}]}""", "Statement[0].Action 'kinesis:Put:Record' is not an action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*","Principal":"*"}]}""", "Statement[0].Action must not be an empty array.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":[7],"Resource":"*","Principal":"*"}]}""", "Statement[0].Action must be a string or an array of strings.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"stream/orders","Principal":"*"}]}""", "Statement[0].Resource 'stream/orders' is not an ARN")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"alice"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"}}]}""", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\"")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":"1234"}}]}""", "Invalid principal in policy: \"AWS\":\"1234\"")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"Group":"x"}}]}""", "unknown principal type 'Group'")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{}}]}""", "Invalid principal in policy: Statement[0].Principal is empty.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"StringMatches":{"k":"v"}}}]}""", "unsupported condition operator 'StringMatches'")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"NullIfExists":{"k":"true"}}}]}""", "unsupported condition operator 'NullIfExists'")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"NumericEquals":{"k":"ten"}}}]}""", "'ten' is not a valid value for NumericEquals")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}]}""", "'soon' is not a valid value for DateLessThan")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}""", "'10.0.0.0/33' is not a valid value for IpAddress")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}""", "'yes' is not a valid value for Bool")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"StringEquals":{}}}]}""", "Statement[0].Condition.StringEquals has no condition key.")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]}""", "must be a string, number or boolean, or an array of them.")]
    [InlineData("""{"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*","Principal":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*","Principal":"*"}]}""", "'a' is used twice")]
    [InlineData("""{"Statement":[{"Sid":"no spaces","Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}""", "may contain only letters and digits")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","Effects":"Allow"}]}""", "Unknown element 'Effects' in Statement[0]")]
    public void Parse_InvalidResourcePolicy_SaysWhatAndWhere(string json, string expected)
    {
        PolicyParseException e = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(json, PolicyKind.Resource));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IdentityPolicyWithPrincipal_IsRejected()
    {
        PolicyParseException e = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(
            """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""", PolicyKind.Identity));
        Assert.Equal("Statement[0].Principal: an identity policy must not name a principal (it applies to the principal it is attached to).", e.Message);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsTheMessage()
    {
        Assert.False(PolicyParser.TryParse("{}", PolicyKind.Identity, out PolicyDocument? document, out string? error));
        Assert.Null(document);
        Assert.Equal("The policy has no Statement.", error);
        Assert.True(PolicyParser.TryParse("""{"Statement":[]}""", PolicyKind.Identity, out document, out error));
        Assert.NotNull(document);
        Assert.Null(error);
    }

    [Fact]
    public void PolicyCache_SameText_ParsedOnceAndInvalidNotCached()
    {
        var cache = new PolicyCache(capacity: 2);
        const string text = """{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
        PolicyDocument first = cache.Get(text, PolicyKind.Identity);
        Assert.Same(first, cache.Get(text, PolicyKind.Identity));
        Assert.Throws<PolicyParseException>(() => cache.Get("{}", PolicyKind.Identity));
        Assert.Equal(1, cache.Count);
        Assert.Throws<PolicyParseException>(() => cache.Get(text, PolicyKind.Resource));
        _ = cache.Get("""{"Statement":[]}""", PolicyKind.Identity);
        _ = cache.Get("""{"Statement":[ ]}""", PolicyKind.Identity);
        Assert.True(cache.Count <= cache.Capacity);
    }
}
