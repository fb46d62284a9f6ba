using System.Text.Json.Nodes;
using Runnel.Security.Audit;

namespace Runnel.Security.Tests.Audit;

/// <summary>Records for the tests.</summary>
internal static class AuditRecords
{
    public static AuditRecord Sample(int index = 0, string? eventName = "CreateStream", JsonObject? request = null) => new()
    {
        EventTime = new DateTimeOffset(2026, 11, 26, 14, 45, 7, 123, TimeSpan.Zero),
        EventName = eventName,
        AwsRegion = "us-east-1",
        RecipientAccountId = "000000000000",
        SourceIpAddress = "127.0.0.1",
        UserAgent = "aws-cli/2.15.0",
        UserIdentity = AuditUserIdentity.Unverified("AKIDEXAMPLE", "000000000000"),
        RequestParameters = AuditRedaction.RequestParameters(request ?? new JsonObject { ["StreamName"] = $"stream-{index}", ["ShardCount"] = 1 }),
        RequestId = $"request-{index}",
        EventId = Guid.NewGuid(),
    };
}
