using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>ListTagsForResource: ResourceARN* (a stream or a consumer); returns Tags [{Key, Value}], all of them.</summary>
internal sealed class ListTagsForResource : IOperation
{
    public string Name => nameof(ListTagsForResource);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string arn = TagResource.ResourceArn(request.GetString("ResourceARN"));
        IReadOnlyList<KeyValuePair<string, string>> all = context.Engine.ListTagsForResource(arn);
        return ValueTask.FromResult(new JsonObject { ["Tags"] = ListTagsForStream.Tags(all) });
    }
}
