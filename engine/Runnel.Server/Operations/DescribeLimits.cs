using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>DescribeLimits: no input; returns ShardLimit, OpenShardCount, OnDemandStreamCount and
/// OnDemandStreamCountLimit.</summary>
internal sealed class DescribeLimits : IOperation
{
    public string Name => nameof(DescribeLimits);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamLimits limits = context.Engine.DescribeLimits();
        return ValueTask.FromResult(new JsonObject
        {
            ["ShardLimit"] = JsonValue.Create((long)limits.ShardLimit),
            ["OpenShardCount"] = JsonValue.Create((long)limits.OpenShardCount),
            ["OnDemandStreamCount"] = JsonValue.Create((long)limits.OnDemandStreamCount),
            ["OnDemandStreamCountLimit"] = JsonValue.Create((long)limits.OnDemandStreamCountLimit),
        });
    }
}
