using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// ListShards: StreamName | StreamARN, NextToken, ExclusiveStartShardId, MaxResults, StreamCreationTimestamp,
/// ShardFilter{Type*, ShardId, Timestamp}; returns Shards and NextToken?.
/// </summary>
internal sealed class ListShards : IOperation
{
    private const string FilterTypes = "[AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]";

    public string Name => nameof(ListShards);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? nextToken = request.GetString("NextToken");
        string? exclusiveStartShardId = request.GetString("ExclusiveStartShardId");
        int? maxResults = request.GetInt32("MaxResults");
        DateTimeOffset? streamCreationTimestamp = request.GetTimestamp("StreamCreationTimestamp");
        RequestBody? filter = request.GetObject("ShardFilter");
        string? filterType = filter?.GetString("Type");
        string? filterShardId = filter?.GetString("ShardId");
        DateTimeOffset? filterTimestamp = filter?.GetTimestamp("Timestamp");

        ShardFilterType? type = null;
        if (filter is not null)
        {
            if (filterType is null)
            {
                throw Requests.MissingMember("shardFilter.type");
            }
            type = WireNames.TryParseShardFilter(filterType, out ShardFilterType parsed)
                ? parsed
                : throw CreateStream.NotInEnum(filterType, "shardFilter.type", FilterTypes);
        }
        ListShardsResult result = context.Engine.ListShards(new ListShardsRequest(
            stream, nextToken, exclusiveStartShardId, maxResults, streamCreationTimestamp, type, filterShardId, filterTimestamp));
        var shards = new JsonArray();
        foreach (ShardDescription shard in result.Shards)
        {
            shards.Add(DescribeStream.Shard(shard));
        }
        return ValueTask.FromResult(new JsonObject { ["Shards"] = shards, ["NextToken"] = result.NextToken });
    }
}
