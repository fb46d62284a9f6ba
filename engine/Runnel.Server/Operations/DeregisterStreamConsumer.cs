using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>DeregisterStreamConsumer: ConsumerARN, or StreamARN and ConsumerName (all three if they agree). No output.</summary>
internal sealed class DeregisterStreamConsumer : IOperation
{
    public string Name => nameof(DeregisterStreamConsumer);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamArn = request.GetString("StreamARN");
        string? consumerName = request.GetString("ConsumerName");
        string? consumerArn = request.GetString("ConsumerARN");
        context.Engine.DeregisterStreamConsumer(streamArn, consumerName, consumerArn);
        return ValueTask.FromResult(new JsonObject());
    }
}
