using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>DeleteStream: StreamName | StreamARN, EnforceConsumerDeletion. No output.</summary>
internal sealed class DeleteStream : IOperation
{
    public string Name => nameof(DeleteStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        bool enforceConsumerDeletion = request.GetBoolean("EnforceConsumerDeletion") ?? false;
        context.Engine.DeleteStream(Requests.Stream(request), enforceConsumerDeletion);
        return ValueTask.FromResult(new JsonObject());
    }
}
