using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>DescribeStreamConsumer: ConsumerARN, or StreamARN and ConsumerName; returns ConsumerDescription{ConsumerName,
/// ConsumerARN, ConsumerStatus, ConsumerCreationTimestamp, StreamARN}.</summary>
internal sealed class DescribeStreamConsumer : IOperation
{
    public string Name => nameof(DescribeStreamConsumer);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamArn = request.GetString("StreamARN");
        string? consumerName = request.GetString("ConsumerName");
        string? consumerArn = request.GetString("ConsumerARN");
        ConsumerDescription consumer = context.Engine.DescribeStreamConsumer(streamArn, consumerName, consumerArn);
        JsonObject description = RegisterStreamConsumer.Consumer(consumer);
        description["StreamARN"] = consumer.StreamArn;
        return ValueTask.FromResult(new JsonObject { ["ConsumerDescription"] = description });
    }
}
