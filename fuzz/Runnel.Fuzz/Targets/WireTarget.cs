using Runnel.Protocol;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Targets <c>json</c> and <c>cbor</c>: <see cref="WireCodec.Decode"/> of a request body, then every typed getter of
/// <see cref="RequestBody"/> on every member an operation reads (top level and nested: Records, StartingPosition,
/// ShardFilter, StreamModeDetails, MinimumThroughputBillingCommitment), whatever its type.
/// Contract: a value or <see cref="ProtocolException"/> (HTTP 400); anything else would be a 500.
/// </summary>
internal static class WireTarget
{
    /// <summary>Every member name the operations in engine/Runnel.Server/Operations read from a request.</summary>
    private static readonly string[] s_members =
    [
        "StreamName", "StreamARN", "ResourceARN", "ConsumerName", "ConsumerARN", "ShardId", "ShardCount",
        "TargetShardCount", "ScalingType", "StreamModeDetails", "StreamMode", "Tags", "TagKeys", "ExclusiveStartTagKey",
        "ExclusiveStartStreamName", "ExclusiveStartShardId", "Limit", "MaxResults", "NextToken", "Data", "PartitionKey",
        "ExplicitHashKey", "SequenceNumberForOrdering", "Records", "ShardIterator", "ShardIteratorType",
        "StartingSequenceNumber", "Timestamp", "StartingPosition", "Type", "SequenceNumber", "ShardFilter",
        "StreamCreationTimestamp", "ShardToSplit", "NewStartingHashKey", "ShardToMerge", "AdjacentShardToMerge",
        "RetentionPeriodHours", "ShardLevelMetrics", "EncryptionType", "KeyId", "EnforceConsumerDeletion", "Policy",
        "MinimumThroughputBillingCommitment", "Status", "WarmThroughputMiBps", "MaxRecordSizeInKiB",
    ];

    private const int MaxWalkDepth = 4;

    /// <summary>Runs the target on one input.</summary>
    public static void Run(ReadOnlySpan<byte> input, WireFormat format)
    {
        string name = format == WireFormat.Cbor ? "cbor" : "json";
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        RequestBody body;
        try
        {
            body = WireCodec.Decode(input, format);
        }
        catch (ProtocolException)
        {
            budget.Check(name);
            return;
        }
        Walk(body, 0);
        budget.Check(name);
    }

    private static void Walk(RequestBody body, int depth)
    {
        foreach (string member in s_members)
        {
            _ = body.Has(member);
            Read(() => body.GetString(member));
            Read(() => body.GetInt32(member));
            Read(() => body.GetInt64(member));
            Read(() => body.GetBoolean(member));
            Read(() => body.GetBlob(member));
            Read(() => body.GetTimestamp(member));
            Read(() => body.GetStringList(member));
            Read(() => body.GetStringMap(member));
            if (depth >= MaxWalkDepth)
            {
                continue;
            }
            RequestBody? nested = Read(() => body.GetObject(member));
            if (nested is not null)
            {
                Walk(nested, depth + 1);
            }
            IReadOnlyList<RequestBody>? list = Read(() => body.GetObjectList(member));
            if (list is not null)
            {
                foreach (RequestBody item in list)
                {
                    Walk(item, depth + 1);
                }
            }
        }
    }

    /// <summary>A getter's value, or default when it refuses the member with the documented <see cref="ProtocolException"/>.</summary>
    private static T? Read<T>(Func<T?> getter)
    {
        try
        {
            return getter();
        }
        catch (ProtocolException)
        {
            return default;
        }
    }
}
