using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>IncreaseStreamRetentionPeriod: StreamName | StreamARN, RetentionPeriodHours*. No output.</summary>
internal sealed class IncreaseStreamRetentionPeriod : IOperation
{
    public string Name => nameof(IncreaseStreamRetentionPeriod);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int hours = Requests.RequiredInt32(request, "RetentionPeriodHours");
        context.Engine.IncreaseStreamRetentionPeriod(stream, hours);
        return ValueTask.FromResult(new JsonObject());
    }
}
