using System.Text.Json.Nodes;

namespace Runnel.Server.Tests.Operations;

public sealed class StreamLifecycleOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Keys(JsonNode? node) => string.Join(",", node!.AsObject().Select(p => p.Key));

    [Fact]
    public async Task CreateStream_Provisioned_ReturnsEmptyBodyAndStreamIsActive()
    {
        Assert.Equal("", await _f.RunAsync("CreateStream", """{"StreamName":"s1","ShardCount":2}"""));

        JsonObject summary = await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"s1"}""");
        Assert.Equal("ACTIVE", (string)summary["StreamDescriptionSummary"]!["StreamStatus"]!);
        Assert.Equal(2, (int)summary["StreamDescriptionSummary"]!["OpenShardCount"]!);
        Assert.Equal("PROVISIONED", (string)summary["StreamDescriptionSummary"]!["StreamModeDetails"]!["StreamMode"]!);
    }

    [Fact]
    public async Task CreateStream_OnDemandWithTagsAndRecordSize_KeepsThem()
    {
        await _f.RunAsync("CreateStream",
            """{"StreamName":"od","StreamModeDetails":{"StreamMode":"ON_DEMAND"},"Tags":{"team":"a"},"MaxRecordSizeInKiB":2048,"WarmThroughputMiBps":0}""");

        JsonNode summary = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"od"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal("ON_DEMAND", (string)summary["StreamModeDetails"]!["StreamMode"]!);
        Assert.Equal(2048, (int)summary["MaxRecordSizeInKiB"]!);
        Assert.Equal("""{"Tags":[{"Key":"team","Value":"a"}],"HasMoreTags":false}""",
            await _f.RunAsync("ListTagsForStream", """{"StreamName":"od"}"""));
    }

    [Fact]
    public async Task CreateStream_MissingStreamName_IsValidationError()
    {
        (string type, string message) = await _f.FailAsync("CreateStream", """{"ShardCount":1}""");
        Assert.Equal("ValidationException", type);
        Assert.Equal("1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null", message);
    }

    [Fact]
    public async Task CreateStream_ShardCountAsString_IsSerializationError()
        => Assert.Equal("SerializationException", (await _f.FailAsync("CreateStream", """{"StreamName":"s","ShardCount":"1"}""")).Type);

    [Fact]
    public async Task CreateStream_UnknownStreamMode_IsEnumValidationError()
    {
        (string type, string message) = await _f.FailAsync("CreateStream", """{"StreamName":"s","StreamModeDetails":{"StreamMode":"FAST"}}""");
        Assert.Equal("ValidationException", type);
        Assert.Equal(
            "1 validation error detected: Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            message);
    }

    [Fact]
    public async Task CreateStream_StreamModeDetailsWithoutMode_IsValidationError()
    {
        (string type, string message) = await _f.FailAsync("CreateStream", """{"StreamName":"s","StreamModeDetails":{}}""");
        Assert.Equal("ValidationException", type);
        Assert.Contains("Value null at 'streamModeDetails.streamMode'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStream_ExistingName_IsResourceInUse()
    {
        await _f.CreateStreamAsync("s");
        (string type, string message) = await _f.FailAsync("CreateStream", """{"StreamName":"s","ShardCount":1}""");
        Assert.Equal("ResourceInUseException", type);
        Assert.Equal("Stream s under account 000000000000 already exists.", message);
    }

    [Theory]
    [InlineData(5, "InvalidArgumentException")]
    [InlineData(-1, "ValidationException")]
    public async Task CreateStream_WarmThroughput_IsRefused(int mibps, string expected)
    {
        (string type, _) = await _f.FailAsync("CreateStream",
            $$"""{"StreamName":"s","StreamModeDetails":{"StreamMode":"ON_DEMAND"},"WarmThroughputMiBps":{{mibps}}}""");
        Assert.Equal(expected, type);
    }

    [Fact]
    public async Task DeleteStream_ByArn_RemovesTheStream()
    {
        await _f.CreateStreamAsync("gone");
        Assert.Equal("", await _f.RunAsync("DeleteStream", $$"""{"StreamARN":"{{OperationFixture.Arn("gone")}}"}"""));
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("DescribeStream", """{"StreamName":"gone"}""")).Type);
    }

    [Fact]
    public async Task DeleteStream_WithConsumers_NeedsEnforceConsumerDeletion()
    {
        await _f.CreateStreamAsync("s");
        await _f.RegisterConsumerAsync("s", "c");
        Assert.Equal("ResourceInUseException", (await _f.FailAsync("DeleteStream", """{"StreamName":"s"}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("DeleteStream", """{"StreamName":"s","EnforceConsumerDeletion":"yes"}""")).Type);
        Assert.Equal("", await _f.RunAsync("DeleteStream", """{"StreamName":"s","EnforceConsumerDeletion":true}"""));
    }

    [Fact]
    public async Task DeleteStream_NeitherNameNorArn_IsInvalidArgument()
        => Assert.Equal("InvalidArgumentException", (await _f.FailAsync("DeleteStream", "{}")).Type);

    [Fact]
    public async Task DescribeStream_NewStream_HasTheFullShape()
    {
        await _f.CreateStreamAsync("d");
        JsonObject response = await _f.RunParsedAsync("DescribeStream", """{"StreamName":"d"}""");

        Assert.Equal("StreamDescription", Keys(response));
        JsonNode d = response["StreamDescription"]!;
        Assert.Equal("StreamName,StreamARN,StreamStatus,StreamModeDetails,Shards,HasMoreShards,RetentionPeriodHours,StreamCreationTimestamp,EnhancedMonitoring,EncryptionType",
            Keys(d));
        Assert.Equal(OperationFixture.Arn("d"), (string)d["StreamARN"]!);
        Assert.Equal("""{"StreamMode":"PROVISIONED"}""", d["StreamModeDetails"]!.ToJsonString());
        Assert.False((bool)d["HasMoreShards"]!);
        Assert.Equal(24, (int)d["RetentionPeriodHours"]!);
        Assert.Equal(1_700_000_000d, (double)d["StreamCreationTimestamp"]!);
        Assert.Equal("""[{"ShardLevelMetrics":[]}]""", d["EnhancedMonitoring"]!.ToJsonString());
        Assert.Equal("NONE", (string)d["EncryptionType"]!);
        JsonNode shard = d["Shards"]![0]!;
        Assert.Equal("ShardId,HashKeyRange,SequenceNumberRange", Keys(shard));
        Assert.Equal("shardId-000000000000", (string)shard["ShardId"]!);
        Assert.Equal("""{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"}""", shard["HashKeyRange"]!.ToJsonString());
        Assert.Equal("StartingSequenceNumber", Keys(shard["SequenceNumberRange"]));
        Assert.Equal(56, ((string)shard["SequenceNumberRange"]!["StartingSequenceNumber"]!).Length);
    }

    [Fact]
    public async Task DescribeStream_LimitAndExclusiveStartShardId_Page()
    {
        await _f.CreateStreamAsync("p", 3);
        JsonNode first = (await _f.RunParsedAsync("DescribeStream", """{"StreamName":"p","Limit":2}"""))["StreamDescription"]!;
        Assert.True((bool)first["HasMoreShards"]!);
        Assert.Equal(2, first["Shards"]!.AsArray().Count);

        JsonNode second = (await _f.RunParsedAsync("DescribeStream",
            """{"StreamName":"p","Limit":2,"ExclusiveStartShardId":"shardId-000000000001"}"""))["StreamDescription"]!;
        Assert.False((bool)second["HasMoreShards"]!);
        Assert.Equal("shardId-000000000002", (string)second["Shards"]![0]!["ShardId"]!);
    }

    [Fact]
    public async Task DescribeStream_UnknownStream_IsResourceNotFound()
    {
        (string type, string message) = await _f.FailAsync("DescribeStream", """{"StreamName":"nope"}""");
        Assert.Equal("ResourceNotFoundException", type);
        Assert.Equal("Stream nope under account 000000000000 not found.", message);
    }

    [Fact]
    public async Task DescribeStream_LimitAsString_IsSerializationError()
        => Assert.Equal("SerializationException", (await _f.FailAsync("DescribeStream", """{"StreamName":"s","Limit":"2"}""")).Type);

    [Fact]
    public async Task DescribeStreamSummary_NewStream_HasTheFullShape()
    {
        await _f.CreateStreamAsync("sum", 2);
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", $$"""{"StreamARN":"{{OperationFixture.Arn("sum")}}"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal("StreamName,StreamARN,StreamStatus,StreamModeDetails,RetentionPeriodHours,StreamCreationTimestamp,EnhancedMonitoring,EncryptionType,OpenShardCount,ConsumerCount,MaxRecordSizeInKiB",
            Keys(s));
        Assert.Equal(0, (int)s["ConsumerCount"]!);
        Assert.Equal(1024, (int)s["MaxRecordSizeInKiB"]!);
    }

    [Fact]
    public async Task DescribeStreamSummary_UnknownStream_IsResourceNotFound()
        => Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("DescribeStreamSummary", """{"StreamName":"x"}""")).Type);

    [Fact]
    public async Task ListStreams_NoStreams_ReturnsEmptyLists()
        => Assert.Equal("""{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}""", await _f.RunAsync("ListStreams", "{}"));

    [Fact]
    public async Task ListStreams_Limit_PagesWithNextToken()
    {
        await _f.CreateStreamAsync("a");
        await _f.CreateStreamAsync("b");
        await _f.CreateStreamAsync("c");

        JsonObject first = await _f.RunParsedAsync("ListStreams", """{"Limit":2}""");
        Assert.Equal("StreamNames,HasMoreStreams,NextToken,StreamSummaries", Keys(first));
        Assert.Equal("""["a","b"]""", first["StreamNames"]!.ToJsonString());
        Assert.True((bool)first["HasMoreStreams"]!);
        JsonNode summary = first["StreamSummaries"]![0]!;
        Assert.Equal("StreamName,StreamARN,StreamStatus,StreamModeDetails,StreamCreationTimestamp", Keys(summary));
        Assert.Equal("ACTIVE", (string)summary["StreamStatus"]!);

        JsonObject second = await _f.RunParsedAsync("ListStreams", $$"""{"NextToken":"{{(string)first["NextToken"]!}}"}""");
        Assert.Equal("""["c"]""", second["StreamNames"]!.ToJsonString());
        Assert.False((bool)second["HasMoreStreams"]!);
        Assert.Null(second["NextToken"]);

        JsonObject after = await _f.RunParsedAsync("ListStreams", """{"ExclusiveStartStreamName":"a"}""");
        Assert.Equal("""["b","c"]""", after["StreamNames"]!.ToJsonString());
    }

    [Fact]
    public async Task ListStreams_LimitAsBoolean_IsSerializationError()
        => Assert.Equal("SerializationException", (await _f.FailAsync("ListStreams", """{"Limit":true}""")).Type);

    [Fact]
    public async Task UpdateStreamMode_ToOnDemand_ChangesTheMode()
    {
        await _f.CreateStreamAsync("m");
        Assert.Equal("", await _f.RunAsync("UpdateStreamMode",
            $$$"""{"StreamARN":"{{{OperationFixture.Arn("m")}}}","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}"""));
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"m"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal("ON_DEMAND", (string)s["StreamModeDetails"]!["StreamMode"]!);
    }

    [Fact]
    public async Task UpdateStreamMode_MissingMembers_AreValidationErrors()
    {
        Assert.Contains("Value null at 'streamARN'",
            (await _f.FailAsync("UpdateStreamMode", """{"StreamModeDetails":{"StreamMode":"ON_DEMAND"}}""")).Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'streamModeDetails'",
            (await _f.FailAsync("UpdateStreamMode", $$"""{"StreamARN":"{{OperationFixture.Arn("m")}}"}""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateStreamMode_BadEnumAndUnknownStream_AreRejected()
    {
        (string type, string message) = await _f.FailAsync("UpdateStreamMode",
            $$$"""{"StreamARN":"{{{OperationFixture.Arn("m")}}}","StreamModeDetails":{"StreamMode":"on_demand"}}""");
        Assert.Equal("ValidationException", type);
        Assert.EndsWith("Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]", message, StringComparison.Ordinal);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("UpdateStreamMode",
            $$$"""{"StreamARN":"{{{OperationFixture.Arn("m")}}}","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}""")).Type);
    }

    [Fact]
    public async Task UpdateShardCount_Double_ReturnsCounts()
    {
        await _f.CreateStreamAsync("u", 2);
        Assert.Equal(
            $$"""{"StreamName":"u","CurrentShardCount":2,"TargetShardCount":4,"StreamARN":"{{OperationFixture.Arn("u")}}"}""",
            await _f.RunAsync("UpdateShardCount", """{"StreamName":"u","TargetShardCount":4,"ScalingType":"UNIFORM_SCALING"}"""));
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"u"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal(4, (int)s["OpenShardCount"]!);
    }

    [Fact]
    public async Task UpdateShardCount_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("u");
        Assert.Contains("Value null at 'scalingType'",
            (await _f.FailAsync("UpdateShardCount", """{"StreamName":"u","TargetShardCount":2}""")).Message, StringComparison.Ordinal);
        Assert.Contains("Value null at 'targetShardCount'",
            (await _f.FailAsync("UpdateShardCount", """{"StreamName":"u","ScalingType":"UNIFORM_SCALING"}""")).Message, StringComparison.Ordinal);
        Assert.Equal(
            "1 validation error detected: Value 'FAST' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
            (await _f.FailAsync("UpdateShardCount", """{"StreamName":"u","TargetShardCount":2,"ScalingType":"FAST"}""")).Message);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("UpdateShardCount", """{"StreamName":"u","TargetShardCount":[2],"ScalingType":"UNIFORM_SCALING"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("UpdateShardCount", """{"StreamName":"x","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}""")).Type);
    }

    [Fact]
    public async Task UpdateStreamWarmThroughput_OnDemandWithCommitment_IsStored()
    {
        await _f.CreateStreamAsync("w");
        Assert.Equal("InvalidArgumentException",
            (await _f.FailAsync("UpdateStreamWarmThroughput", """{"StreamName":"w","WarmThroughputMiBps":10}""")).Type);
        await _f.RunAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}""");
        Assert.Equal("ValidationException",
            (await _f.FailAsync("UpdateStreamWarmThroughput", """{"StreamName":"w","WarmThroughputMiBps":10}""")).Type);
        await _f.RunAsync("CreateStream", """{"StreamName":"od","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}""");
        JsonObject result = await _f.RunParsedAsync("UpdateStreamWarmThroughput", """{"StreamName":"od","WarmThroughputMiBps":10}""");
        Assert.Equal("od", (string)result["StreamName"]!);
        Assert.Equal(10, (int)result["WarmThroughput"]!["TargetMiBps"]!);
    }

    [Fact]
    public async Task UpdateStreamWarmThroughput_BadInput_IsRejected()
    {
        Assert.Contains("Value null at 'warmThroughputMiBps'",
            (await _f.FailAsync("UpdateStreamWarmThroughput", """{"StreamName":"w"}""")).Message, StringComparison.Ordinal);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("UpdateStreamWarmThroughput", """{"StreamName":"w","WarmThroughputMiBps":"10"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("UpdateStreamWarmThroughput", """{"StreamName":"w","WarmThroughputMiBps":10}""")).Type);
    }

    [Fact]
    public async Task UpdateMaxRecordSize_InRange_IsStored()
    {
        await _f.CreateStreamAsync("r");
        Assert.Equal("", await _f.RunAsync("UpdateMaxRecordSize", $$"""{"StreamARN":"{{OperationFixture.Arn("r")}}","MaxRecordSizeInKiB":4096}"""));
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"r"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal(4096, (int)s["MaxRecordSizeInKiB"]!);
    }

    [Fact]
    public async Task UpdateMaxRecordSize_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("r");
        Assert.Contains("Value null at 'maxRecordSizeInKiB'",
            (await _f.FailAsync("UpdateMaxRecordSize", """{"StreamName":"r"}""")).Message, StringComparison.Ordinal);
        Assert.Equal("ValidationException", (await _f.FailAsync("UpdateMaxRecordSize", """{"StreamName":"r","MaxRecordSizeInKiB":10}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("UpdateMaxRecordSize", """{"StreamName":"r","MaxRecordSizeInKiB":1.5}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("UpdateMaxRecordSize", """{"StreamName":"x","MaxRecordSizeInKiB":2048}""")).Type);
    }

    [Fact]
    public async Task RetentionPeriod_IncreaseThenDecrease_IsStored()
    {
        await _f.CreateStreamAsync("ret");
        Assert.Equal("", await _f.RunAsync("IncreaseStreamRetentionPeriod", """{"StreamName":"ret","RetentionPeriodHours":48}"""));
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"ret"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal(48, (int)s["RetentionPeriodHours"]!);
        Assert.Equal("", await _f.RunAsync("DecreaseStreamRetentionPeriod", """{"StreamName":"ret","RetentionPeriodHours":24}"""));
        s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"ret"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal(24, (int)s["RetentionPeriodHours"]!);
    }

    [Theory]
    [InlineData("IncreaseStreamRetentionPeriod")]
    [InlineData("DecreaseStreamRetentionPeriod")]
    public async Task RetentionPeriod_BadInput_IsRejected(string operation)
    {
        await _f.CreateStreamAsync("ret");
        Assert.Equal("1 validation error detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync(operation, """{"StreamName":"ret"}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync(operation, """{"StreamName":"ret","RetentionPeriodHours":"48"}""")).Type);
        Assert.Equal("InvalidArgumentException", (await _f.FailAsync(operation, """{"StreamName":"ret","RetentionPeriodHours":12}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync(operation, """{"StreamName":"x","RetentionPeriodHours":24}""")).Type);
    }

    [Fact]
    public async Task DescribeLimits_CountsOpenShards()
    {
        await _f.CreateStreamAsync("l", 3);
        Assert.Equal("""{"ShardLimit":10000,"OpenShardCount":3,"OnDemandStreamCount":0,"OnDemandStreamCountLimit":50}""",
            await _f.RunAsync("DescribeLimits", "{}"));
    }
}
