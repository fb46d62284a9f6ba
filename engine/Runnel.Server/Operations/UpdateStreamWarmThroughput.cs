using System.Globalization;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Operations;

/// <summary>UpdateStreamWarmThroughput: StreamARN | StreamName, WarmThroughputMiBps*; on-demand streams of an account
/// with the minimum throughput billing commitment enabled. Returns StreamARN, StreamName, WarmThroughput.</summary>
internal sealed class UpdateStreamWarmThroughput : IOperation
{
    public string Name => nameof(UpdateStreamWarmThroughput);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        int? warmThroughput = request.GetInt32("WarmThroughputMiBps");
        if (warmThroughput is null)
        {
            throw Requests.MissingMember("WarmThroughputMiBps");
        }
        if (warmThroughput < 0)
        {
            throw new KinesisException(KinesisErrorCode.Validation,
                $"1 validation error detected: Value '{warmThroughput.Value.ToString(CultureInfo.InvariantCulture)}' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0");
        }
        WarmThroughput result = context.Engine.UpdateStreamWarmThroughput(stream, warmThroughput.Value);
        return ValueTask.FromResult(new JsonObject
        {
            ["StreamARN"] = result.StreamArn,
            ["StreamName"] = result.StreamName,
            ["WarmThroughput"] = new JsonObject { ["TargetMiBps"] = (long)result.TargetMiBps, ["CurrentMiBps"] = (long)result.CurrentMiBps },
        });
    }
}
