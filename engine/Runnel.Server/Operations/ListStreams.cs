using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>ListStreams: Limit, ExclusiveStartStreamName, NextToken; returns StreamNames, HasMoreStreams,
/// NextToken? and StreamSummaries.</summary>
internal sealed class ListStreams : IOperation
{
    public string Name => nameof(ListStreams);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        int? limit = request.GetInt32("Limit");
        string? exclusiveStartStreamName = request.GetString("ExclusiveStartStreamName");
        string? nextToken = request.GetString("NextToken");
        ListStreamsResult result = context.Engine.ListStreams(limit, exclusiveStartStreamName, nextToken);
        var names = new JsonArray();
        var summaries = new JsonArray();
        foreach (StreamListing stream in result.Streams)
        {
            names.Add(JsonValue.Create(stream.StreamName));
            summaries.Add(new JsonObject
            {
                ["StreamName"] = stream.StreamName,
                ["StreamARN"] = stream.StreamArn,
                ["StreamStatus"] = WireNames.Of(stream.StreamStatus),
                ["StreamModeDetails"] = DescribeStream.ModeDetails(stream.StreamMode),
                ["StreamCreationTimestamp"] = JsonValue.Create(stream.StreamCreationTimestamp),
            });
        }
        return ValueTask.FromResult(new JsonObject
        {
            ["StreamNames"] = names,
            ["HasMoreStreams"] = JsonValue.Create(result.HasMoreStreams),
            ["NextToken"] = result.NextToken,
            ["StreamSummaries"] = summaries,
        });
    }
}
