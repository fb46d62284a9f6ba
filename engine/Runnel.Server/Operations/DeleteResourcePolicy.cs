using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>DeleteResourcePolicy: ResourceARN*. No output; ResourceNotFoundException when no policy is attached.</summary>
internal sealed class DeleteResourcePolicy : IOperation
{
    public string Name => nameof(DeleteResourcePolicy);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string arn = TagResource.ResourceArn(request.GetString("ResourceARN"));
        context.Engine.DeleteResourcePolicy(arn);
        return ValueTask.FromResult(new JsonObject());
    }

}
