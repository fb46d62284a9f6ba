using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>DecreaseStreamRetentionPeriod: StreamName | StreamARN, RetentionPeriodHours*. No output.</summary>
internal sealed class DecreaseStreamRetentionPeriod : IOperation
{
    public string Name => nameof(DecreaseStreamRetentionPeriod);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int hours = Requests.RequiredInt32(request, "RetentionPeriodHours");
        context.Engine.DecreaseStreamRetentionPeriod(stream, hours);
        return ValueTask.FromResult(new JsonObject());
    }
}
