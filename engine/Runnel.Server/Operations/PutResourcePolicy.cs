using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>PutResourcePolicy: ResourceARN* (a stream or a consumer), Policy* (a JSON document). No output.</summary>
internal sealed class PutResourcePolicy : IOperation
{
    public string Name => nameof(PutResourcePolicy);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? resourceArn = request.GetString("ResourceARN");
        string? policy = request.GetString("Policy");
        string arn = TagResource.ResourceArn(resourceArn);
        if (policy is null)
        {
            throw Requests.MissingMember("Policy");
        }
        context.Engine.PutResourcePolicy(arn, policy);
        return ValueTask.FromResult(new JsonObject());
    }

}
