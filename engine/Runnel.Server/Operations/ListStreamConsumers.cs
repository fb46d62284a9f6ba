using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>ListStreamConsumers: StreamARN*, NextToken, MaxResults, StreamCreationTimestamp; returns Consumers
/// [Consumer] and NextToken?.</summary>
internal sealed class ListStreamConsumers : IOperation
{
    public string Name => nameof(ListStreamConsumers);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamArn = request.GetString("StreamARN");
        string? nextToken = request.GetString("NextToken");
        int? maxResults = request.GetInt32("MaxResults");
        DateTimeOffset? streamCreationTimestamp = request.GetTimestamp("StreamCreationTimestamp");
        if (streamArn is null)
        {
            throw Requests.MissingMember("StreamARN");
        }
        (IReadOnlyList<ConsumerDescription> consumers, string? token) =
            context.Engine.ListStreamConsumers(streamArn, nextToken, maxResults, streamCreationTimestamp);
        var list = new JsonArray();
        foreach (ConsumerDescription consumer in consumers)
        {
            list.Add(RegisterStreamConsumer.Consumer(consumer));
        }
        return ValueTask.FromResult(new JsonObject { ["Consumers"] = list, ["NextToken"] = token });
    }
}
