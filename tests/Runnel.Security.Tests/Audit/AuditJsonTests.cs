using System.Text.Json;
using System.Text.Json.Nodes;
using Runnel.Security.Audit;

namespace Runnel.Security.Tests.Audit;

public class AuditJsonTests
{
    [Fact]
    public void ToLine_ManagementCall_HasCloudTrailShape()
    {
        AuditRecord record = AuditRecords.Sample(7) with
        {
            TlsDetails = new AuditTlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "localhost:4568"),
        };

        byte[] line = AuditJson.ToLine(record);

        Assert.Equal((byte)'\n', line[^1]);
        Assert.DoesNotContain((byte)'\n', line[..^1]);
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        Assert.Equal("1.09", root.GetProperty("eventVersion").GetString());
        Assert.Equal("2026-11-26T14:45:07Z", root.GetProperty("eventTime").GetString());
        Assert.Equal("kinesis.amazonaws.com", root.GetProperty("eventSource").GetString());
        Assert.Equal("CreateStream", root.GetProperty("eventName").GetString());
        Assert.Equal("us-east-1", root.GetProperty("awsRegion").GetString());
        Assert.Equal("127.0.0.1", root.GetProperty("sourceIPAddress").GetString());
        Assert.Equal("aws-cli/2.15.0", root.GetProperty("userAgent").GetString());
        JsonElement identity = root.GetProperty("userIdentity");
        Assert.Equal("Unknown", identity.GetProperty("type").GetString());
        Assert.Equal("AKIDEXAMPLE", identity.GetProperty("accessKeyId").GetString());
        Assert.Equal("AKIDEXAMPLE", identity.GetProperty("principalId").GetString());
        Assert.Equal("000000000000", identity.GetProperty("accountId").GetString());
        Assert.Equal("stream-7", root.GetProperty("requestParameters").GetProperty("streamName").GetString());
        Assert.Equal(1, root.GetProperty("requestParameters").GetProperty("shardCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("responseElements").ValueKind);
        Assert.False(root.TryGetProperty("errorCode", out _));
        Assert.Equal("request-7", root.GetProperty("requestID").GetString());
        Assert.Equal(record.EventId, root.GetProperty("eventID").GetGuid());
        Assert.False(root.GetProperty("readOnly").GetBoolean());
        Assert.Equal("AwsApiCall", root.GetProperty("eventType").GetString());
        Assert.True(root.GetProperty("managementEvent").GetBoolean());
        Assert.Equal("Management", root.GetProperty("eventCategory").GetString());
        Assert.Equal("000000000000", root.GetProperty("recipientAccountId").GetString());
        Assert.Equal("TLSv1.3", root.GetProperty("tlsDetails").GetProperty("tlsVersion").GetString());
    }

    [Fact]
    public void ToLine_FailedDataCall_HasErrorAndDataCategory()
    {
        AuditRecord record = AuditRecords.Sample(1, "GetRecords", new JsonObject { ["ShardIterator"] = "abc" }) with
        {
            ErrorCode = "ExpiredIteratorException",
            ErrorMessage = "Iterator expired.\nSecond line",
            UserIdentity = AuditUserIdentity.Anonymous,
        };

        byte[] line = AuditJson.ToLine(record);

        Assert.DoesNotContain((byte)'\n', line[..^1]);
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        Assert.Equal("ExpiredIteratorException", root.GetProperty("errorCode").GetString());
        Assert.Equal("Iterator expired.\nSecond line", root.GetProperty("errorMessage").GetString());
        Assert.True(root.GetProperty("readOnly").GetBoolean());
        Assert.False(root.GetProperty("managementEvent").GetBoolean());
        Assert.Equal("Data", root.GetProperty("eventCategory").GetString());
        Assert.Equal("AWSAccount", root.GetProperty("userIdentity").GetProperty("type").GetString());
        Assert.Equal("ANONYMOUS_PRINCIPAL", root.GetProperty("userIdentity").GetProperty("accountId").GetString());
    }

    [Theory]
    [InlineData("PutRecord", true, false)]
    [InlineData("PutRecords", true, false)]
    [InlineData("GetRecords", true, true)]
    [InlineData("GetShardIterator", true, true)]
    [InlineData("SubscribeToShard", true, true)]
    [InlineData("ListShards", false, true)]
    [InlineData("DescribeStreamSummary", false, true)]
    [InlineData("CreateStream", false, false)]
    [InlineData("PutResourcePolicy", false, false)]
    [InlineData(null, false, false)]
    public void KinesisAuditEvents_Operation_IsClassifiedAsCloudTrail(string? name, bool data, bool readOnly)
    {
        Assert.Equal(data, KinesisAuditEvents.IsDataEvent(name));
        Assert.Equal(readOnly, KinesisAuditEvents.IsReadOnly(name));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/alice", "IAMUser")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/reader/session", "AssumedRole")]
    [InlineData("arn:aws:iam::123456789012:root", "Root")]
    [InlineData("arn:aws:iam::123456789012:role/service", "Unknown")]
    public void AuditUserIdentity_Authenticated_TypeFollowsArn(string arn, string type)
    {
        AuditUserIdentity identity = AuditUserIdentity.Authenticated("AKIDALICE", arn, "123456789012");

        Assert.Equal(type, identity.Type);
        Assert.Equal(arn, identity.Arn);
        Assert.Equal("AKIDALICE", identity.AccessKeyId);
    }

    [Fact]
    public void ToLine_ResponseElements_AreWritten()
    {
        AuditRecord record = AuditRecords.Sample() with
        {
            ResponseElements = new JsonObject { ["shardId"] = "shardId-000000000000" },
        };

        using JsonDocument document = JsonDocument.Parse(AuditJson.ToLine(record));

        Assert.Equal("shardId-000000000000", document.RootElement.GetProperty("responseElements").GetProperty("shardId").GetString());
    }
}
