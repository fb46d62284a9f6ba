using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>GetResourcePolicy: ResourceARN*. Output: Policy ("{}" when none is attached).</summary>
internal sealed class GetResourcePolicy : IOperation
{
    public string Name => nameof(GetResourcePolicy);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string arn = TagResource.ResourceArn(request.GetString("ResourceARN"));
        return ValueTask.FromResult(new JsonObject { ["Policy"] = context.Engine.GetResourcePolicy(arn) });
    }

}
