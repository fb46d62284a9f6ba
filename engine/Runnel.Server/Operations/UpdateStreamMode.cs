using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>UpdateStreamMode: StreamARN*, StreamModeDetails{StreamMode*}*, WarmThroughputMiBps. No output.</summary>
internal sealed class UpdateStreamMode : IOperation
{
    public string Name => nameof(UpdateStreamMode);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamArn = request.GetString("StreamARN");
        RequestBody? details = request.GetObject("StreamModeDetails");
        string? mode = details?.GetString("StreamMode");
        int? warmThroughput = request.GetInt32("WarmThroughputMiBps");

        if (streamArn is null)
        {
            throw Requests.MissingMember("StreamARN");
        }
        if (details is null)
        {
            throw Requests.MissingMember("StreamModeDetails");
        }
        StreamMode streamMode = CreateStream.ParseStreamMode(mode, "streamModeDetails.streamMode");
        CreateStream.RejectWarmThroughput(warmThroughput);
        context.Engine.UpdateStreamMode(streamArn, streamMode);
        return ValueTask.FromResult(new JsonObject());
    }
}
