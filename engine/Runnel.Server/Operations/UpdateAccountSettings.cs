using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>UpdateAccountSettings: MinimumThroughputBillingCommitment{Status* ENABLED|DISABLED}*; returns the settings
/// as DescribeAccountSettings does (24-hour minimum; an early DISABLED becomes ENABLED_UNTIL_EARLIEST_ALLOWED_END).</summary>
internal sealed class UpdateAccountSettings : IOperation
{
    public string Name => nameof(UpdateAccountSettings);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        RequestBody? commitment = request.GetObject("MinimumThroughputBillingCommitment");
        string? status = commitment?.GetString("Status");
        if (commitment is null)
        {
            throw Requests.MissingMember("MinimumThroughputBillingCommitment");
        }
        switch (status)
        {
            case null:
                throw Requests.MissingMember("minimumThroughputBillingCommitment.status");
            case "DISABLED" or "ENABLED":
                return ValueTask.FromResult(DescribeAccountSettings.Settings(context.Engine.UpdateAccountSettings(status)));
            default:
                throw CreateStream.NotInEnum(status, "minimumThroughputBillingCommitment.status", "[ENABLED, DISABLED]");
        }
    }
}
