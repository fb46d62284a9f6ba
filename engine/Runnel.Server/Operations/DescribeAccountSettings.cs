using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>DescribeAccountSettings: no input; returns MinimumThroughputBillingCommitment{Status, StartedAt?, EndedAt?,
/// EarliestAllowedEndAt?}.</summary>
internal sealed class DescribeAccountSettings : IOperation
{
    public string Name => nameof(DescribeAccountSettings);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
        => ValueTask.FromResult(Settings(context.Engine.DescribeAccountSettings()));

    /// <summary>The response shape of both account-settings operations.</summary>
    internal static JsonObject Settings(AccountCommitment commitment)
    {
        var value = new JsonObject { ["Status"] = commitment.Status };
        if (commitment.StartedAt is { } started)
        {
            value["StartedAt"] = JsonValue.Create(started);
        }
        if (commitment.EndedAt is { } ended)
        {
            value["EndedAt"] = JsonValue.Create(ended);
        }
        if (commitment.EarliestAllowedEndAt is { } earliest)
        {
            value["EarliestAllowedEndAt"] = JsonValue.Create(earliest);
        }
        return new JsonObject { ["MinimumThroughputBillingCommitment"] = value };
    }
}
