using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>RemoveTagsFromStream: StreamName | StreamARN, TagKeys* (list). No output.</summary>
internal sealed class RemoveTagsFromStream : IOperation
{
    public string Name => nameof(RemoveTagsFromStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyList<string> tagKeys = request.GetStringList("TagKeys") ?? throw Requests.MissingMember("TagKeys");
        context.Engine.RemoveTagsFromStream(stream, tagKeys);
        return ValueTask.FromResult(new JsonObject());
    }
}
