using System.Text.Json.Nodes;
namespace Runnel.Server.Tests.Operations;

public sealed class AccountOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task DescribeAccountSettings_NoCommitment_IsDisabled()
        => Assert.Equal("""{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}""", await _f.RunAsync("DescribeAccountSettings", "{}"));

    [Fact]
    public async Task UpdateAccountSettings_Disabled_ReturnsTheSettings()
        => Assert.Equal("""{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}""",
            await _f.RunAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}"""));

    [Fact]
    public async Task UpdateAccountSettings_EnableThenDisableEarly_KeepsCommitmentUntilEarliestEnd()
    {
        JsonNode enabled = (await _f.RunParsedAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}"""))["MinimumThroughputBillingCommitment"]!;
        Assert.Equal("ENABLED", (string)enabled["Status"]!);
        Assert.NotNull(enabled["StartedAt"]);
        Assert.Equal((double)enabled["StartedAt"]! + 86_400, (double)enabled["EarliestAllowedEndAt"]!, 3);
        JsonNode disabling = (await _f.RunParsedAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}"""))["MinimumThroughputBillingCommitment"]!;
        Assert.Equal("ENABLED_UNTIL_EARLIEST_ALLOWED_END", (string)disabling["Status"]!);
        Assert.Equal("ENABLED_UNTIL_EARLIEST_ALLOWED_END",
            (string)(await _f.RunParsedAsync("DescribeAccountSettings", "{}"))["MinimumThroughputBillingCommitment"]!["Status"]!);
    }

    [Fact]
    public async Task UpdateAccountSettings_BadInput_IsRejected()
    {
        Assert.Equal(
            "1 validation error detected: Value null at 'minimumThroughputBillingCommitment' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("UpdateAccountSettings", "{}")).Message);
        Assert.Contains("Value null at 'minimumThroughputBillingCommitment.status'",
            (await _f.FailAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{}}""")).Message, StringComparison.Ordinal);
        Assert.Equal(
            "1 validation error detected: Value 'ON' at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
            (await _f.FailAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":{"Status":"ON"}}""")).Message);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("UpdateAccountSettings", """{"MinimumThroughputBillingCommitment":"ENABLED"}""")).Type);
    }
}
