using Runnel.Security.Authorization;

namespace Runnel.Security.Tests.Authorization;

public sealed class PolicyEvaluatorTests
{
    private const string Owner = "111122223333";
    private const string Other = "444455556666";
    private const string Stream = "arn:aws:kinesis:us-east-1:111122223333:stream/orders";
    private const string Alice = "arn:aws:iam::111122223333:user/alice";
    private const string Carol = "arn:aws:iam::444455556666:user/carol";
    private const string ReaderSession = "arn:aws:sts::444455556666:assumed-role/reader/job-1";

    private static PolicyDocument Identity(string statements) => PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""", PolicyKind.Identity);

    private static PolicyDocument Resource(string statements) => PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""", PolicyKind.Resource);

    private static AuthorizationRequest Request(string principal, string action = "kinesis:PutRecord", string resource = Stream, ConditionContext? context = null)
        => new(new RequestPrincipal(principal), action, resource, Owner, context ?? new ConditionContext());

    private static AuthorizationOutcome Evaluate(AuthorizationRequest request, PolicyDocument? resource, params PolicyDocument[] identity)
        => PolicyEvaluator.Evaluate(identity, resource, request);

    private const string AllowAll = """{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}""";
    private const string DenyPut = """{"Effect":"Deny","Action":"kinesis:PutRecord","Resource":"*"}""";

    [Fact]
    public void Evaluate_NoPolicies_IsImplicitDeny()
        => Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request(Alice), null));

    [Fact]
    public void Evaluate_IdentityAllow_Allows()
        => Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice), null, Identity(AllowAll)));

    [Fact]
    public void Evaluate_DenyInAnotherIdentityPolicy_WinsOverAllow()
        => Assert.Equal(AuthorizationOutcome.ExplicitDenyInIdentityPolicy, Evaluate(Request(Alice), null, Identity(AllowAll), Identity(DenyPut)));

    [Fact]
    public void Evaluate_DenyInResourcePolicy_WinsOverIdentityAllow()
        => Assert.Equal(AuthorizationOutcome.ExplicitDenyInResourcePolicy,
            Evaluate(Request(Alice), Resource("""{"Effect":"Deny","Principal":"*","Action":"kinesis:Put*","Resource":"*"}"""), Identity(AllowAll)));

    [Fact]
    public void Evaluate_DenyInBoth_NamesTheIdentityPolicy()
        => Assert.Equal(AuthorizationOutcome.ExplicitDenyInIdentityPolicy,
            Evaluate(Request(Alice), Resource("""{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}"""), Identity(DenyPut)));

    [Fact]
    public void Evaluate_SameAccountResourcePolicyNamingTheUser_AllowsWithoutIdentityPolicy()
        => Assert.Equal(AuthorizationOutcome.Allowed,
            Evaluate(Request(Alice), Resource($$"""{"Effect":"Allow","Principal":{"AWS":"{{Alice}}"},"Action":"kinesis:PutRecord","Resource":"{{Stream}}"}""")));

    [Theory]
    [InlineData(Owner)]
    [InlineData("arn:aws:iam::111122223333:root")]
    public void Evaluate_SameAccountResourcePolicyNamingOnlyTheAccount_DelegatesToIdentityPolicies(string account)
    {
        PolicyDocument resource = Resource($$"""{"Effect":"Allow","Principal":{"AWS":"{{account}}"},"Action":"kinesis:*","Resource":"*"}""");
        Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request(Alice), resource));
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice), resource, Identity(AllowAll)));
    }

    [Fact]
    public void Evaluate_OwnRoot_IsAllowedWithoutPoliciesButNotAgainstADeny()
    {
        const string root = "arn:aws:iam::111122223333:root";
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(root), null));
        Assert.Equal(AuthorizationOutcome.ExplicitDenyInResourcePolicy,
            Evaluate(Request(root), Resource("""{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}""")));
    }

    [Fact]
    public void Evaluate_OtherAccountsRoot_IsNotTheOwner()
        => Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request("arn:aws:iam::444455556666:root"), null));

    [Fact]
    public void Evaluate_CrossAccount_NeedsBothIdentityAndResourceAllow()
    {
        PolicyDocument resource = Resource($$"""{"Effect":"Allow","Principal":{"AWS":"{{Carol}}"},"Action":"kinesis:PutRecord","Resource":"{{Stream}}"}""");
        Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request(Carol), resource));
        Assert.Equal(AuthorizationOutcome.NoResourcePolicyAllows, Evaluate(Request(Carol), null, Identity(AllowAll)));
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Carol), resource, Identity(AllowAll)));
    }

    [Theory]
    [InlineData("444455556666")]
    [InlineData("arn:aws:iam::444455556666:root")]
    [InlineData("*")]
    public void Evaluate_CrossAccountResourcePolicyNamingTheCallersAccount_GrantsWithIdentityAllow(string principal)
        => Assert.Equal(AuthorizationOutcome.Allowed,
            Evaluate(Request(Carol), Resource($$"""{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":"kinesis:*","Resource":"*"}"""), Identity(AllowAll)));

    [Fact]
    public void Evaluate_RoleSession_IsNamedByTheRoleArn()
    {
        PolicyDocument resource = Resource("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/reader"},"Action":"kinesis:Get*","Resource":"*"}""");
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(ReaderSession, "kinesis:GetRecords"), resource, Identity(AllowAll)));
        Assert.Equal(AuthorizationOutcome.NoResourcePolicyAllows, Evaluate(Request(ReaderSession, "kinesis:PutRecord"), resource, Identity(AllowAll)));
    }

    [Fact]
    public void Evaluate_NotPrincipalDeny_DeniesEveryoneElse()
    {
        PolicyDocument resource = Resource($$"""{"Effect":"Deny","NotPrincipal":{"AWS":"{{Alice}}"},"Action":"*","Resource":"*"}""");
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice), resource, Identity(AllowAll)));
        Assert.Equal(AuthorizationOutcome.ExplicitDenyInResourcePolicy, Evaluate(Request("arn:aws:iam::111122223333:user/bob"), resource, Identity(AllowAll)));
    }

    [Theory]
    [InlineData("kinesis:GetRecords", AuthorizationOutcome.NoIdentityPolicyAllows)]
    [InlineData("kinesis:DescribeStream", AuthorizationOutcome.NoIdentityPolicyAllows)]
    [InlineData("kinesis:PutRecord", AuthorizationOutcome.Allowed)]
    [InlineData("kinesis:DeleteStream", AuthorizationOutcome.Allowed)]
    public void Evaluate_NotAction_AppliesToEveryOtherAction(string action, AuthorizationOutcome expected)
        => Assert.Equal(expected, Evaluate(Request(Alice, action), null,
            Identity("""{"Effect":"Allow","NotAction":["kinesis:Get*","kinesis:Describe*"],"Resource":"*"}""")));

    [Fact]
    public void Evaluate_NotActionDeny_LeavesOnlyTheListedActions()
    {
        PolicyDocument policy = Identity(AllowAll + "," + """{"Effect":"Deny","NotAction":"kinesis:GetRecords","Resource":"*"}""");
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice, "kinesis:GetRecords"), null, policy));
        Assert.Equal(AuthorizationOutcome.ExplicitDenyInIdentityPolicy, Evaluate(Request(Alice, "kinesis:PutRecord"), null, policy));
    }

    [Theory]
    [InlineData(Stream, AuthorizationOutcome.NoIdentityPolicyAllows)]
    [InlineData("arn:aws:kinesis:us-east-1:111122223333:stream/audit", AuthorizationOutcome.Allowed)]
    public void Evaluate_NotResource_AppliesToEveryOtherResource(string resource, AuthorizationOutcome expected)
        => Assert.Equal(expected, Evaluate(Request(Alice, resource: resource), null,
            Identity($$"""{"Effect":"Allow","Action":"*","NotResource":"{{Stream}}"}""")));

    [Fact]
    public void Evaluate_ResourceWildcards_AreCaseSensitive()
    {
        PolicyDocument policy = Identity("""{"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws:kinesis:*:111122223333:stream/Ord*"}""");
        Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request(Alice), null, policy));
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice, resource: "arn:aws:kinesis:us-east-1:111122223333:stream/Orders"), null, policy));
    }

    [Fact]
    public void Evaluate_ActionNames_AreCaseInsensitive()
        => Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice, "kinesis:PutRecord"), null,
            Identity("""{"Effect":"Allow","Action":"KINESIS:putrecord","Resource":"*"}""")));

    [Fact]
    public void Evaluate_ConditionFalse_StatementDoesNotApply()
    {
        PolicyDocument policy = Identity("""
            {"Effect":"Allow","Action":"kinesis:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
            {"Effect":"Deny","Action":"kinesis:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}
            """);
        ConditionContext inside = new ConditionContext().Set("aws:SourceIp", "10.1.1.1").Set("aws:SecureTransport", "true");
        ConditionContext outside = new ConditionContext().Set("aws:SourceIp", "192.168.1.1").Set("aws:SecureTransport", "true");
        ConditionContext plain = new ConditionContext().Set("aws:SourceIp", "10.1.1.1").Set("aws:SecureTransport", "false");
        Assert.Equal(AuthorizationOutcome.Allowed, Evaluate(Request(Alice, context: inside), null, policy));
        Assert.Equal(AuthorizationOutcome.NoIdentityPolicyAllows, Evaluate(Request(Alice, context: outside), null, policy));
        Assert.Equal(AuthorizationOutcome.ExplicitDenyInIdentityPolicy, Evaluate(Request(Alice, context: plain), null, policy));
    }

    [Fact]
    public void RequestPrincipal_ConditionKeys_AsIamReportsThem()
    {
        var context = new ConditionContext();
        new RequestPrincipal(ReaderSession).AddConditionKeys(context);
        Assert.True(context.TryGet("aws:PrincipalArn", out IReadOnlyList<string> arn));
        Assert.Equal(["arn:aws:iam::444455556666:role/reader"], arn);
        Assert.True(context.TryGet("aws:PrincipalAccount", out IReadOnlyList<string> account));
        Assert.Equal([Other], account);
        Assert.False(context.TryGet("aws:username", out _));
        var user = new ConditionContext();
        new RequestPrincipal("arn:aws:iam::111122223333:user/team/alice").AddConditionKeys(user);
        Assert.True(user.TryGet("aws:username", out IReadOnlyList<string> name));
        Assert.Equal(["alice"], name);
        var root = new ConditionContext();
        new RequestPrincipal("arn:aws:iam::111122223333:root").AddConditionKeys(root);
        Assert.True(root.TryGet("aws:userid", out IReadOnlyList<string> id));
        Assert.Equal([Owner], id);
    }
}
