using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>MergeShards: StreamName | StreamARN, ShardToMerge*, AdjacentShardToMerge*. No output.</summary>
internal sealed class MergeShards : IOperation
{
    public string Name => nameof(MergeShards);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? shardToMerge = request.GetString("ShardToMerge");
        string? adjacentShardToMerge = request.GetString("AdjacentShardToMerge");
        if (adjacentShardToMerge is null)
        {
            throw Requests.MissingMember("AdjacentShardToMerge");
        }
        if (shardToMerge is null)
        {
            throw Requests.MissingMember("ShardToMerge");
        }
        await context.Engine.MergeShardsAsync(stream, shardToMerge, adjacentShardToMerge).ConfigureAwait(false);
        return [];
    }
}
