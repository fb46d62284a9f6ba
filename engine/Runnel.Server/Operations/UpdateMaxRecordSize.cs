using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>UpdateMaxRecordSize: StreamARN (StreamName also accepted), MaxRecordSizeInKiB* (1024..10240). No output.</summary>
internal sealed class UpdateMaxRecordSize : IOperation
{
    public string Name => nameof(UpdateMaxRecordSize);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int size = Requests.RequiredInt32(request, "MaxRecordSizeInKiB");
        context.Engine.UpdateMaxRecordSize(stream, size);
        return ValueTask.FromResult(new JsonObject());
    }
}
