using System.Net;
using System.Text;
using Runnel.Protocol;
using Runnel.Security.Authorization;
using Runnel.Server.Operations;
using Runnel.Server.Security;
using Runnel.Server.Tests.Operations;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Tests.Security;

public sealed class RequestAuthorizerTests : IDisposable
{
    private const string Account = OperationFixture.Account;
    private const string Alice = $"arn:aws:iam::{Account}:user/alice";
    private const string Carol = "arn:aws:iam::111122223333:user/carol";
    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}]}""";

    private readonly OperationFixture _f = new();
    private readonly PolicyCache _cache = new();
    private readonly RequestAuthorizer _authorizer;

    public RequestAuthorizerTests() => _authorizer = new RequestAuthorizer(_f.Engine, _f.Time, _cache);

    public void Dispose() => _f.Dispose();

    private static RequestBody Body(string json) => WireCodec.Decode(Encoding.UTF8.GetBytes(json), WireFormat.Json);

    private static CallerIdentity Caller(string arn, params string[] policies)
        => new(arn, policies, IPAddress.Parse("10.1.2.3"), SecureTransport: true, UserAgent: "aws-cli/2.15.0");

    private void Allowed(CallerIdentity caller, string operation, string json) => _authorizer.Authorize(caller, operation, Body(json));

    private string Denied(CallerIdentity caller, string operation, string json)
    {
        KinesisException e = Assert.Throws<KinesisException>(() => _authorizer.Authorize(caller, operation, Body(json)));
        Assert.Equal("AccessDeniedException", e.ErrorType);
        return e.Message;
    }

    [Fact]
    public async Task Authorize_NoIdentityPolicy_AccessDeniedWithAwsMessage()
    {
        await _f.CreateStreamAsync("s");
        Assert.Equal($"User: {Alice} is not authorized to perform: kinesis:PutRecord on resource: {OperationFixture.Arn("s")} because no identity-based policy allows the kinesis:PutRecord action",
            Denied(Caller(Alice), "PutRecord", """{"StreamName":"s","PartitionKey":"k","Data":"AA=="}"""));
    }

    [Fact]
    public async Task Authorize_ConsumerRolePolicy_AllowsOnlyReadsOfItsStream()
    {
        await _f.CreateStreamAsync("orders");
        await _f.CreateStreamAsync("audit");
        string policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"ReadOrders","Effect":"Allow",
              "Action":["kinesis:GetRecords","kinesis:GetShardIterator","kinesis:DescribeStream*"],
              "Resource":"{{OperationFixture.Arn("orders")}}"}]}
            """;
        CallerIdentity reader = Caller("arn:aws:sts::000000000000:assumed-role/orders-reader/app", policy);
        Allowed(reader, "DescribeStreamSummary", """{"StreamName":"orders"}""");
        Allowed(reader, "DescribeStream", $$"""{"StreamARN":"{{OperationFixture.Arn("orders")}}"}""");
        Allowed(reader, "GetShardIterator", """{"StreamName":"orders","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""");
        string iterator = _f.Engine.GetShardIterator(StreamRef.Named("orders"), "shardId-000000000000", ShardIteratorType.TrimHorizon);
        Allowed(reader, "GetRecords", $$"""{"ShardIterator":"{{iterator}}"}""");
        Assert.Contains("kinesis:PutRecord on resource: " + OperationFixture.Arn("orders"),
            Denied(reader, "PutRecord", """{"StreamName":"orders","PartitionKey":"k","Data":"AA=="}"""), StringComparison.Ordinal);
        string auditIterator = _f.Engine.GetShardIterator(StreamRef.Named("audit"), "shardId-000000000000", ShardIteratorType.TrimHorizon);
        Assert.Contains("kinesis:GetRecords on resource: " + OperationFixture.Arn("audit"),
            Denied(reader, "GetRecords", $$"""{"ShardIterator":"{{auditIterator}}"}"""), StringComparison.Ordinal);
        Assert.Contains($"kinesis:ListStreams on resource: arn:aws:kinesis:us-east-1:{Account}:stream/*",
            Denied(reader, "ListStreams", "{}"), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_AccountLevelOperation_NeedsAStarResource()
    {
        Allowed(Caller(Alice, AllowAll), "ListStreams", "{}");
        Allowed(Caller(Alice, AllowAll), "DescribeLimits", "{}");
        Denied(Caller(Alice, """{"Statement":{"Effect":"Allow","Action":"kinesis:ListStreams","Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/orders"}}"""), "ListStreams", "{}");
    }

    [Fact]
    public async Task Authorize_ExplicitDenies_NameThePolicyType()
    {
        await _f.CreateStreamAsync("s");
        string deny = """{"Statement":[{"Effect":"Deny","Action":"kinesis:Put*","Resource":"*"}]}""";
        Assert.EndsWith("with an explicit deny in an identity-based policy",
            Denied(Caller(Alice, AllowAll, deny), "PutRecords", """{"StreamName":"s","Records":[]}"""), StringComparison.Ordinal);
        _f.Engine.PutResourcePolicy(OperationFixture.Arn("s"),
            """{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kinesis:PutRecord","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}}}]}""");
        Assert.Equal($"User: {Alice} is not authorized to perform: kinesis:PutRecord on resource: {OperationFixture.Arn("s")} with an explicit deny in a resource-based policy",
            Denied(Caller(Alice, AllowAll), "PutRecord", """{"StreamName":"s","PartitionKey":"k","Data":"AA=="}"""));
        Allowed(Caller(Alice, AllowAll) with { SourceIp = IPAddress.Parse("::ffff:192.168.4.4") }, "PutRecord", """{"StreamName":"s","PartitionKey":"k","Data":"AA=="}""");
    }

    [Fact]
    public async Task Authorize_CrossAccount_NeedsTheStreamsResourcePolicy()
    {
        await _f.CreateStreamAsync("shared");
        string put = """{"StreamName":"shared","PartitionKey":"k","Data":"AA=="}""";
        Assert.EndsWith("because no identity-based policy allows the kinesis:PutRecord action", Denied(Caller(Carol), "PutRecord", put), StringComparison.Ordinal);
        Assert.EndsWith("because no resource-based policy allows the kinesis:PutRecord action", Denied(Caller(Carol, AllowAll), "PutRecord", put), StringComparison.Ordinal);
        _f.Engine.PutResourcePolicy(OperationFixture.Arn("shared"),
            $$"""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"{{Carol}}"},"Action":["kinesis:PutRecord","kinesis:GetResourcePolicy"],"Resource":"{{OperationFixture.Arn("shared")}}"}]}""");
        Allowed(Caller(Carol, AllowAll), "PutRecord", put);
        // The policy operations stay with the owner's account whatever the resource policy says.
        Assert.EndsWith("because no resource-based policy allows the kinesis:GetResourcePolicy action",
            Denied(Caller(Carol, AllowAll), "GetResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("shared")}}"}"""), StringComparison.Ordinal);
        // The same-account user needs no resource policy.
        Allowed(Caller(Alice, AllowAll), "PutRecord", put);
    }

    [Fact]
    public async Task Authorize_ConsumerOperations_UseTheConsumerArnAndItsPolicy()
    {
        await _f.CreateStreamAsync("s");
        string consumer = await _f.RegisterConsumerAsync("s", "app");
        string identity = $$"""{"Statement":[{"Effect":"Allow","Action":["kinesis:SubscribeToShard","kinesis:DescribeStreamConsumer"],"Resource":"{{OperationFixture.Arn("s")}}/consumer/app:*"}]}""";
        Allowed(Caller(Alice, identity), "SubscribeToShard", $$$"""{"ConsumerARN":"{{{consumer}}}","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}""");
        Allowed(Caller(Alice, identity), "DescribeStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerName":"app"}""");
        Assert.Contains($"kinesis:DeregisterStreamConsumer on resource: {consumer} ",
            Denied(Caller(Alice, identity), "DeregisterStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerName":"app"}"""), StringComparison.Ordinal);
        string subscribe = $$$"""{"ConsumerARN":"{{{consumer}}}","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}""";
        Assert.EndsWith("because no resource-based policy allows the kinesis:SubscribeToShard action", Denied(Caller(Carol, AllowAll), "SubscribeToShard", subscribe), StringComparison.Ordinal);
        _f.Engine.PutResourcePolicy(consumer, """{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kinesis:SubscribeToShard","Resource":"*"}]}""");
        Allowed(Caller(Carol, AllowAll), "SubscribeToShard", subscribe);
    }

    [Fact]
    public async Task Authorize_TagConditions_SeeStreamTagsAndRequestTags()
    {
        await _f.RunAsync("CreateStream", """{"StreamName":"s","ShardCount":1,"Tags":{"team":"data"}}""");
        string byTeam = """{"Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"data"}}}]}""";
        Allowed(Caller(Alice, byTeam), "DescribeStreamSummary", """{"StreamName":"s"}""");
        await _f.CreateStreamAsync("untagged");
        Denied(Caller(Alice, byTeam), "DescribeStreamSummary", """{"StreamName":"untagged"}""");
        string onlyCostTags = """
            {"Statement":[{"Effect":"Allow","Action":["kinesis:AddTagsToStream","kinesis:CreateStream"],"Resource":"*",
              "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["cost"]},"StringLikeIfExists":{"aws:RequestTag/cost":"cc-*"}}}]}
            """;
        Allowed(Caller(Alice, onlyCostTags), "AddTagsToStream", """{"StreamName":"s","Tags":{"cost":"cc-7"}}""");
        Denied(Caller(Alice, onlyCostTags), "AddTagsToStream", """{"StreamName":"s","Tags":{"cost":"cc-7","owner":"x"}}""");
        Denied(Caller(Alice, onlyCostTags), "AddTagsToStream", """{"StreamName":"s","Tags":{"cost":"none"}}""");
        // CreateStream with tags needs kinesis:AddTagsToStream as well.
        string createOnly = """{"Statement":[{"Effect":"Allow","Action":"kinesis:CreateStream","Resource":"*"}]}""";
        Allowed(Caller(Alice, createOnly), "CreateStream", """{"StreamName":"n","ShardCount":1}""");
        Assert.Contains("kinesis:AddTagsToStream on resource: " + OperationFixture.Arn("n"),
            Denied(Caller(Alice, createOnly), "CreateStream", """{"StreamName":"n","ShardCount":1,"Tags":{"a":"b"}}"""), StringComparison.Ordinal);
        string removeNotTeam = """{"Statement":[{"Effect":"Allow","Action":"kinesis:RemoveTagsFromStream","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}}]}""";
        Allowed(Caller(Alice, removeNotTeam), "RemoveTagsFromStream", """{"StreamName":"s","TagKeys":["x","team"]}""");
        Denied(Caller(Alice, removeNotTeam), "RemoveTagsFromStream", """{"StreamName":"s","TagKeys":["x"]}""");
    }

    [Fact]
    public async Task Authorize_GlobalConditionKeys_ComeFromTheCallerAndTheServer()
    {
        await _f.CreateStreamAsync("s");
        string describe = """{"StreamName":"s"}""";
        string policy = """
            {"Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*","Condition":{
              "Bool":{"aws:SecureTransport":"true"},
              "IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
              "StringLike":{"aws:UserAgent":"aws-cli/*","aws:PrincipalArn":"arn:aws:iam::000000000000:user/*"},
              "StringEquals":{"aws:RequestedRegion":"us-east-1","aws:PrincipalAccount":"000000000000","aws:username":"alice"},
              "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
              "NumericGreaterThan":{"aws:EpochTime":"1600000000"}}}]}
            """;
        CallerIdentity alice = Caller(Alice, policy);
        Allowed(alice, "DescribeStreamSummary", describe);
        Allowed(alice with { SourceIp = IPAddress.Parse("2001:db8::5") }, "DescribeStreamSummary", describe);
        Denied(alice with { SecureTransport = false }, "DescribeStreamSummary", describe);
        Denied(alice with { SourceIp = IPAddress.Parse("192.168.1.1") }, "DescribeStreamSummary", describe);
        Denied(alice with { SourceIp = null }, "DescribeStreamSummary", describe);
        Denied(alice with { UserAgent = "Boto3/1.34" }, "DescribeStreamSummary", describe);
        Denied(Caller("arn:aws:iam::000000000000:user/bob", policy), "DescribeStreamSummary", describe);
        _f.Time.Advance(TimeSpan.FromDays(365 * 7));
        Denied(alice, "DescribeStreamSummary", describe);
    }

    [Fact]
    public async Task Authorize_OwnRoot_AllowedWithoutPolicies()
    {
        await _f.CreateStreamAsync("s");
        Allowed(Caller($"arn:aws:iam::{Account}:root"), "DeleteStream", """{"StreamName":"s"}""");
        Denied(Caller("arn:aws:iam::111122223333:root"), "DeleteStream", """{"StreamName":"s"}""");
    }

    [Fact]
    public async Task Authorize_UnreadableIdentityPolicy_FailsClosed()
    {
        await _f.CreateStreamAsync("s");
        Denied(Caller(Alice, AllowAll, "{not json"), "DescribeStreamSummary", """{"StreamName":"s"}""");
        Assert.Throws<PolicyParseException>(() => _authorizer.ValidateIdentityPolicy("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"""));
    }

    [Fact]
    public async Task Authorize_ManyRequests_ParseEachPolicyTextOnce()
    {
        await _f.CreateStreamAsync("s");
        string deny = """{"Statement":[{"Effect":"Deny","Action":"kinesis:DeleteStream","Resource":"*"}]}""";
        for (int i = 0; i < 50; i++)
        {
            Allowed(Caller(Alice, AllowAll, deny), "DescribeStreamSummary", """{"StreamName":"s"}""");
        }
        Assert.Equal(2, _cache.Count);
    }

    [Fact]
    public void Authorize_RequestNamingNoResource_LeavesTheErrorToTheOperation()
        => Allowed(Caller(Alice), "DescribeStreamSummary", "{}");

    [Fact]
    public void Targets_EveryOperation_IsAuthorizedAsKinesisColonItsName()
    {
        string body = $$"""
            {"StreamName":"s","StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerARN":"{{OperationFixture.Arn("s")}}/consumer/c:1",
             "ResourceARN":"{{OperationFixture.Arn("s")}}","ShardIterator":"x"}
            """;
        string[] names = [.. OperationRegistry.Names, "SubscribeToShard"];
        Assert.Equal(39, names.Length);
        foreach (string name in names)
        {
            IReadOnlyList<AuthorizationTarget> targets = KinesisAuthorizationTargets.For(name, Body(body), _f.Engine, _f.Time);
            if (name == "GetRecords")
            {
                Assert.Empty(targets); // an iterator that is not ours names no stream: GetRecords rejects it
                continue;
            }
            AuthorizationTarget target = Assert.Single(targets);
            Assert.Equal("kinesis:" + name, target.Action);
            Assert.StartsWith($"arn:aws:kinesis:us-east-1:{Account}:stream/", target.Resource, StringComparison.Ordinal);
        }
    }
}
