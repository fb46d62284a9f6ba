using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>DisableEnhancedMonitoring: StreamName | StreamARN, ShardLevelMetrics* (enum list, ALL for the seven);
/// returns StreamName, CurrentShardLevelMetrics (before), DesiredShardLevelMetrics (after) and StreamARN.</summary>
internal sealed class DisableEnhancedMonitoring : IOperation
{
    public string Name => nameof(DisableEnhancedMonitoring);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyList<string> metrics = request.GetStringList("ShardLevelMetrics") ?? throw Requests.MissingMember("ShardLevelMetrics");
        MonitoringChange change = context.Engine.DisableEnhancedMonitoring(stream, metrics);
        return ValueTask.FromResult(EnableEnhancedMonitoring.Output(change));
    }
}
