using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>SplitShard: StreamName | StreamARN, ShardToSplit*, NewStartingHashKey*. No output.</summary>
internal sealed class SplitShard : IOperation
{
    public string Name => nameof(SplitShard);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? shardToSplit = request.GetString("ShardToSplit");
        string? newStartingHashKey = request.GetString("NewStartingHashKey");
        if (newStartingHashKey is null)
        {
            throw Requests.MissingMember("NewStartingHashKey");
        }
        if (shardToSplit is null)
        {
            throw Requests.MissingMember("ShardToSplit");
        }
        await context.Engine.SplitShardAsync(stream, shardToSplit, newStartingHashKey).ConfigureAwait(false);
        return [];
    }
}
