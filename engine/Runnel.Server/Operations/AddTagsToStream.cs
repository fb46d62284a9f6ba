using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>AddTagsToStream: StreamName | StreamARN, Tags* (map). No output.</summary>
internal sealed class AddTagsToStream : IOperation
{
    public string Name => nameof(AddTagsToStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyDictionary<string, string> tags = request.GetStringMap("Tags") ?? throw Requests.MissingMember("Tags");
        context.Engine.AddTagsToStream(stream, tags);
        return ValueTask.FromResult(new JsonObject());
    }
}
