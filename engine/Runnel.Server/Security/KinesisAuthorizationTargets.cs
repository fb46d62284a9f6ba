using System.Globalization;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Security;

/// <summary>
/// What each Kinesis operation is authorized against, after the Service Authorization Reference ("Actions,
/// resources, and condition keys for Amazon Kinesis Data Streams"): the action is <c>kinesis:&lt;Operation&gt;</c>;
/// the resource is the stream (from StreamName or StreamARN, with the server's region and account; from the shard
/// iterator for GetRecords), the consumer (DescribeStreamConsumer, DeregisterStreamConsumer, SubscribeToShard), the
/// ResourceARN (tag and policy operations), or the account's <c>stream/*</c> for the account-level operations
/// (ListStreams, DescribeLimits, Describe/UpdateAccountSettings), which AWS authorizes only on <c>"*"</c>. CreateStream
/// with tags also needs <c>kinesis:AddTagsToStream</c>, RegisterStreamConsumer with tags <c>kinesis:TagResource</c>
/// on the new consumer. When a request names no resource at all, there is nothing to authorize: the operation
/// rejects it with its own validation error.
/// </summary>
public static class KinesisAuthorizationTargets
{
    private static readonly HashSet<string> s_accountLevel = new(StringComparer.Ordinal)
    {
        "ListStreams", "DescribeLimits", "DescribeAccountSettings", "UpdateAccountSettings",
    };

    private static readonly HashSet<string> s_byResourceArn = new(StringComparer.Ordinal)
    {
        "TagResource", "UntagResource", "ListTagsForResource", "PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy",
    };

    private static readonly HashSet<string> s_byConsumer = new(StringComparer.Ordinal)
    {
        "DescribeStreamConsumer", "DeregisterStreamConsumer", "SubscribeToShard",
    };

    /// <summary>The (action, resource) pairs of <paramref name="operation"/> with <paramref name="body"/>.</summary>
    public static IReadOnlyList<AuthorizationTarget> For(string operation, RequestBody body, StreamEngine engine, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(time);
        string action = "kinesis:" + operation;
        StreamsOptions options = engine.Options;
        if (s_accountLevel.Contains(operation))
        {
            return [new AuthorizationTarget(action, $"arn:aws:kinesis:{options.Region}:{options.AccountId}:stream/*", ResourceLevel: false)];
        }
        if (s_byResourceArn.Contains(operation))
        {
            return body.GetString("ResourceARN") is { Length: > 0 } arn ? [new AuthorizationTarget(action, arn)] : [];
        }
        if (s_byConsumer.Contains(operation))
        {
            string? consumer = body.GetString("ConsumerARN");
            if (consumer is null && body.GetString("StreamARN") is { } streamArn && body.GetString("ConsumerName") is { } name)
            {
                consumer = engine.ConsumerArnOf(streamArn, name) ?? $"{streamArn}/consumer/{name}";
            }
            return consumer is null ? [] : [new AuthorizationTarget(action, consumer)];
        }
        string? stream = operation == "GetRecords"
            ? (body.GetString("ShardIterator") is { } iterator && engine.StreamNameOfIterator(iterator) is { } fromIterator ? StreamArn(options, fromIterator) : null)
            : body.GetString("StreamARN") ?? (body.GetString("StreamName") is { Length: > 0 } streamName ? StreamArn(options, streamName) : null);
        if (stream is null)
        {
            return [];
        }
        if (operation == "CreateStream" && body.Has("Tags"))
        {
            return [new AuthorizationTarget(action, stream), new AuthorizationTarget("kinesis:AddTagsToStream", stream)];
        }
        if (operation == "RegisterStreamConsumer" && body.Has("Tags") && body.GetString("ConsumerName") is { } consumerName)
        {
            string created = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            return [new AuthorizationTarget(action, stream), new AuthorizationTarget("kinesis:TagResource", $"{stream}/consumer/{consumerName}:{created}")];
        }
        return [new AuthorizationTarget(action, stream)];
    }

    /// <summary>The ARN of stream <paramref name="name"/> in the server's region and account.</summary>
    public static string StreamArn(StreamsOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"arn:aws:kinesis:{options.Region}:{options.AccountId}:stream/{name}";
    }
}
