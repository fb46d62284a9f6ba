using Runnel.Server.Operations;

namespace Runnel.Server.Tests.Operations;

public sealed class OperationRegistryTests
{
    private static readonly string[] s_operations =
    [
        "AddTagsToStream", "CreateStream", "DecreaseStreamRetentionPeriod", "DeleteResourcePolicy", "DeleteStream",
        "DeregisterStreamConsumer", "DescribeAccountSettings", "DescribeLimits", "DescribeStream", "DescribeStreamConsumer",
        "DescribeStreamSummary", "DisableEnhancedMonitoring", "EnableEnhancedMonitoring", "GetRecords", "GetResourcePolicy",
        "GetShardIterator", "IncreaseStreamRetentionPeriod", "ListShards", "ListStreamConsumers", "ListStreams",
        "ListTagsForResource", "ListTagsForStream", "MergeShards", "PutRecord", "PutRecords", "PutResourcePolicy",
        "RegisterStreamConsumer", "RemoveTagsFromStream", "SplitShard", "StartStreamEncryption", "StopStreamEncryption",
        "TagResource", "UntagResource", "UpdateAccountSettings", "UpdateMaxRecordSize", "UpdateShardCount",
        "UpdateStreamMode", "UpdateStreamWarmThroughput",
    ];

    [Fact]
    public void Registry_EveryRequestResponseOperation_HasAHandlerUnderItsName()
    {
        Assert.Equal(38, s_operations.Length);
        foreach (string name in s_operations)
        {
            Assert.True(OperationRegistry.TryGet(name, out IOperation operation), name);
            Assert.Equal(name, operation.Name);
            Assert.Equal(name, operation.GetType().Name);
        }
    }
}
