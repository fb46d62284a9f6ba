using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>EnableEnhancedMonitoring: StreamName | StreamARN, ShardLevelMetrics* (enum list, ALL for the seven);
/// returns StreamName, CurrentShardLevelMetrics (before), DesiredShardLevelMetrics (after) and StreamARN.</summary>
internal sealed class EnableEnhancedMonitoring : IOperation
{
    public string Name => nameof(EnableEnhancedMonitoring);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyList<string> metrics = request.GetStringList("ShardLevelMetrics") ?? throw Requests.MissingMember("ShardLevelMetrics");
        MonitoringChange change = context.Engine.EnableEnhancedMonitoring(stream, metrics);
        return ValueTask.FromResult(Output(change));
    }

    /// <summary>The EnhancedMonitoringOutput shape (DisableEnhancedMonitoring returns it too).</summary>
    internal static JsonObject Output(MonitoringChange change) => new()
    {
        ["StreamName"] = change.StreamName,
        ["CurrentShardLevelMetrics"] = DescribeStream.Strings(change.CurrentShardLevelMetrics),
        ["DesiredShardLevelMetrics"] = DescribeStream.Strings(change.DesiredShardLevelMetrics),
        ["StreamARN"] = change.StreamArn,
    };
}
