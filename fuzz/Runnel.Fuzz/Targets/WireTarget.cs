using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Runnel.Model;
using Runnel.Protocol;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Targets <c>json</c> and <c>cbor</c>: <see cref="WireCodec.Decode"/> of a request body, then every typed getter of
/// <see cref="RequestBody"/> on every member an operation reads (top level and nested: Records, StartingPosition,
/// ShardFilter, StreamModeDetails, MinimumThroughputBillingCommitment), whatever its type, and each string read
/// through the Runnel.Model parsers the operations hand it to.
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
        budget.Check(name);

        // No budget for the walk: reading every member as every type throws far more ProtocolExceptions than the one
        // an operation can meet, and their stack traces are the harness's own allocation.
        Walk(body, 0);
    }

    private static void Walk(RequestBody body, int depth)
    {
        foreach (string member in s_members)
        {
            _ = body.Has(member);
            ParseText(Read(() => body.GetString(member)));
            Read(() => body.GetInt32(member));
            Read(() => body.GetInt64(member));
            Read(() => body.GetBoolean(member));
            Read(() => body.GetBlob(member));
            Read(() => body.GetTimestamp(member));
            foreach (string item in Read(() => body.GetStringList(member)) ?? [])
            {
                ParseText(item);
            }
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

    /// <summary>
    /// What the operations do next with a string member: parse it as a shard id, a sequence number or a hash key,
    /// check it as a stream name, hash it as a partition key (Runnel.Model; each answers false or a status).
    /// </summary>
    [SuppressMessage("Security", "CA5351", Justification = "MD5 is the Kinesis routing function, not a security control.")]
    private static void ParseText(string? text)
    {
        if (text is null)
        {
            return;
        }
        _ = ShardId.TryParse(text, out _);
        _ = SequenceNumber.TryParse(text, out _);
        _ = HashKey.TryParse(text, out _);
        _ = StreamName.IsValid(text);
        // The hasher's own single-block MD5 (keys up to 55 UTF-8 bytes) must agree with the platform's MD5.
        UInt128 expected = BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(text)));
        if (PartitionKeyHasher.Hash(text).Value != expected)
        {
            throw new ContractViolationException($"json/cbor: PartitionKeyHasher.Hash disagrees with MD5 for a {text.Length}-character key.");
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
