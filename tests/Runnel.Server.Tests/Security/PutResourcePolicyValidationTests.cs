using Runnel.Server.Tests.Operations;

namespace Runnel.Server.Tests.Security;

public sealed class PutResourcePolicyValidationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData("""{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kinesis:GetRecords\",\"Resource\":\"*\"}]}""",
        "Invalid policy document: Statement[0] needs Principal or NotPrincipal: a resource policy names whom it applies to.")]
    [InlineData("""{\"Statement\":[{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"kinesis:GetRecords\",\"Resource\":\"*\"}]}""",
        "Invalid policy document: Statement[0].Effect must be \"Allow\" or \"Deny\", not 'Permit'.")]
    [InlineData("""{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/*\"},\"Action\":\"kinesis:GetRecords\",\"Resource\":\"*\"}]}""",
        "Invalid policy document: Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\" (use \"*\", a 12-digit account id, or an IAM or STS principal ARN without wildcards).")]
    [InlineData("[]", "Invalid policy document: The policy must be a JSON object.")]
    public async Task PutResourcePolicy_InvalidDocument_InvalidArgumentAndNothingStored(string policy, string message)
    {
        await _f.CreateStreamAsync("s");
        const string valid = """{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"kinesis:GetRecords\",\"Resource\":\"*\"}]}""";
        await _f.RunAsync("PutResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("s")}}","Policy":"{{valid}}"}""");
        (string type, string actual) = await _f.FailAsync("PutResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("s")}}","Policy":"{{policy}}"}""");
        Assert.Equal(("InvalidArgumentException", message), (type, actual));
        Assert.Contains("111122223333", (string)(await _f.RunParsedAsync("GetResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("s")}}"}"""))["Policy"]!, StringComparison.Ordinal);
    }
}
