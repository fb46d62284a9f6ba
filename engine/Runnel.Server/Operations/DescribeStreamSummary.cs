using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// DescribeStreamSummary: StreamName | StreamARN; returns StreamDescriptionSummary. StreamId and WarmThroughput
/// are omitted: the engine keeps neither.
/// </summary>
internal sealed class DescribeStreamSummary : IOperation
{
    public string Name => nameof(DescribeStreamSummary);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamSummary s = context.Engine.DescribeStreamSummary(Requests.Stream(request));
        var summary = new JsonObject
        {
            ["StreamName"] = s.StreamName,
            ["StreamARN"] = s.StreamArn,
            ["StreamStatus"] = WireNames.Of(s.StreamStatus),
            ["StreamModeDetails"] = DescribeStream.ModeDetails(s.StreamMode),
            ["RetentionPeriodHours"] = JsonValue.Create((long)s.RetentionPeriodHours),
            ["StreamCreationTimestamp"] = JsonValue.Create(s.StreamCreationTimestamp),
            ["EnhancedMonitoring"] = DescribeStream.EnhancedMonitoring(s.ShardLevelMetrics),
            ["EncryptionType"] = s.EncryptionType,
            ["KeyId"] = s.KeyId,
            ["OpenShardCount"] = JsonValue.Create((long)s.OpenShardCount),
            ["ConsumerCount"] = JsonValue.Create((long)s.ConsumerCount),
            ["MaxRecordSizeInKiB"] = JsonValue.Create((long)s.MaxRecordSizeInKiB),
        };
        return ValueTask.FromResult(new JsonObject { ["StreamDescriptionSummary"] = summary });
    }
}
