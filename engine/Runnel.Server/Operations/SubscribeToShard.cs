using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Streams.Consumers;

namespace Runnel.Server.Operations;

/// <summary>
/// SubscribeToShard: ConsumerARN*, ShardId*, StartingPosition*{Type*, SequenceNumber, Timestamp}; answers an event
/// stream of SubscribeToShardEvent {Records, ContinuationSequenceNumber, MillisBehindLatest, ChildShards (at the
/// end of a closed shard only)} until the subscription's lifetime ends, the shard ends, or a newer subscription
/// takes over (then ResourceInUseException in the stream). Records have the GetRecords shape.
/// </summary>
internal sealed class SubscribeToShard : IStreamingOperation
{
    private const string IteratorTypes = "[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]";

    public string Name => nameof(SubscribeToShard);

    public ValueTask<IAsyncEnumerable<StreamingEvent>> StartAsync(RequestBody request, OperationContext context)
    {
        string? consumerArn = request.GetString("ConsumerARN");
        string? shardId = request.GetString("ShardId");
        RequestBody? position = request.GetObject("StartingPosition");
        if (consumerArn is null)
        {
            throw Requests.MissingMember("ConsumerARN");
        }
        if (shardId is null)
        {
            throw Requests.MissingMember("ShardId");
        }
        if (position is null)
        {
            throw Requests.MissingMember("StartingPosition");
        }
        string? typeName = position.GetString("Type");
        string? sequenceNumber = position.GetString("SequenceNumber");
        DateTimeOffset? timestamp = position.GetTimestamp("Timestamp");
        if (typeName is null)
        {
            throw Requests.MissingMember("startingPosition.type");
        }
        if (!WireNames.TryParseIteratorType(typeName, out ShardIteratorType type))
        {
            throw CreateStream.NotInEnum(typeName, "startingPosition.type", IteratorTypes);
        }
        ShardSubscription subscription = context.Engine.SubscribeToShard(consumerArn, shardId, new StartingPosition(type, sequenceNumber, timestamp));
        return ValueTask.FromResult(Events(subscription, context.CancellationToken));
    }

    private static async IAsyncEnumerable<StreamingEvent> Events(ShardSubscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using (subscription)
        {
            await foreach (SubscribeToShardEvent e in subscription.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new StreamingEvent(nameof(SubscribeToShardEvent), Payload(e));
            }
        }
    }

    /// <summary>The SubscribeToShardEvent structure.</summary>
    internal static JsonObject Payload(SubscribeToShardEvent e)
    {
        var payload = new JsonObject
        {
            ["Records"] = GetRecords.Records(e.Records),
            ["ContinuationSequenceNumber"] = e.ContinuationSequenceNumber?.ToString(),
            ["MillisBehindLatest"] = JsonValue.Create(e.MillisBehindLatest),
        };
        if (e.ChildShards is { Count: > 0 } children)
        {
            payload["ChildShards"] = GetRecords.ChildShards(children);
        }
        return payload;
    }
}
