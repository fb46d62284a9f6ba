using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>UpdateShardCount: StreamName | StreamARN, TargetShardCount*, ScalingType* (UNIFORM_SCALING); returns
/// StreamName, CurrentShardCount, TargetShardCount and StreamARN.</summary>
internal sealed class UpdateShardCount : IOperation
{
    public string Name => nameof(UpdateShardCount);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int? targetShardCount = request.GetInt32("TargetShardCount");
        string? scalingType = request.GetString("ScalingType");

        if (scalingType is null)
        {
            throw Requests.MissingMember("ScalingType");
        }
        if (targetShardCount is null)
        {
            throw Requests.MissingMember("TargetShardCount");
        }
        if (scalingType != "UNIFORM_SCALING")
        {
            throw CreateStream.NotInEnum(scalingType, "scalingType", "[UNIFORM_SCALING]");
        }
        UpdateShardCountResult result = await context.Engine.UpdateShardCountAsync(stream, targetShardCount.Value, scalingType)
            .ConfigureAwait(false);
        return new JsonObject
        {
            ["StreamName"] = result.StreamName,
            ["CurrentShardCount"] = JsonValue.Create((long)result.CurrentShardCount),
            ["TargetShardCount"] = JsonValue.Create((long)result.TargetShardCount),
            ["StreamARN"] = result.StreamArn,
        };
    }
}
