using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>RegisterStreamConsumer: StreamARN*, ConsumerName*, Tags; returns Consumer{ConsumerName, ConsumerARN,
/// ConsumerStatus, ConsumerCreationTimestamp}.</summary>
internal sealed class RegisterStreamConsumer : IOperation
{
    public string Name => nameof(RegisterStreamConsumer);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamArn = request.GetString("StreamARN");
        string? consumerName = request.GetString("ConsumerName");
        IReadOnlyDictionary<string, string>? tags = request.GetStringMap("Tags");
        if (streamArn is null)
        {
            throw Requests.MissingMember("StreamARN");
        }
        if (consumerName is null)
        {
            throw Requests.MissingMember("ConsumerName");
        }
        ConsumerDescription consumer = context.Engine.RegisterStreamConsumer(streamArn, consumerName, tags);
        return ValueTask.FromResult(new JsonObject { ["Consumer"] = Consumer(consumer) });
    }

    /// <summary>The Consumer shape (ListStreamConsumers uses it too): no StreamARN, unlike ConsumerDescription.</summary>
    internal static JsonObject Consumer(ConsumerDescription consumer) => new()
    {
        ["ConsumerName"] = consumer.ConsumerName,
        ["ConsumerARN"] = consumer.ConsumerArn,
        ["ConsumerStatus"] = consumer.ConsumerStatus,
        ["ConsumerCreationTimestamp"] = JsonValue.Create(consumer.ConsumerCreationTimestamp),
    };
}
