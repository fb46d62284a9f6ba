using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>UntagResource: ResourceARN* (a stream or a consumer), TagKeys*. No output.</summary>
internal sealed class UntagResource : IOperation
{
    public string Name => nameof(UntagResource);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? resourceArn = request.GetString("ResourceARN");
        IReadOnlyList<string>? tagKeys = request.GetStringList("TagKeys");
        string arn = TagResource.ResourceArn(resourceArn);
        if (tagKeys is null)
        {
            throw Requests.MissingMember("TagKeys");
        }
        context.Engine.UntagResource(arn, tagKeys);
        return ValueTask.FromResult(new JsonObject());
    }
}
