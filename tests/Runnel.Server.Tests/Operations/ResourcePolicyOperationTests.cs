namespace Runnel.Server.Tests.Operations;

public sealed class ResourcePolicyOperationTests : IDisposable
{
    private const string Policy = """{\"Version\":\"2012-10-17\",\"Statement\":[]}""";

    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task ResourcePolicy_PutGetDelete_OnStreamAndConsumer_RoundTrips()
    {
        await _f.CreateStreamAsync("s");
        string consumerArn = await _f.RegisterConsumerAsync("s", "c");
        foreach (string arn in new[] { OperationFixture.Arn("s"), consumerArn })
        {
            Assert.Equal("{}", (string)(await _f.RunParsedAsync("GetResourcePolicy", $$"""{"ResourceARN":"{{arn}}"}"""))["Policy"]!);
            Assert.Equal("", await _f.RunAsync("PutResourcePolicy", $$"""{"ResourceARN":"{{arn}}","Policy":"{{Policy}}"}"""));
            Assert.Equal("""{"Version":"2012-10-17","Statement":[]}""",
                (string)(await _f.RunParsedAsync("GetResourcePolicy", $$"""{"ResourceARN":"{{arn}}"}"""))["Policy"]!);
            Assert.Equal("", await _f.RunAsync("DeleteResourcePolicy", $$"""{"ResourceARN":"{{arn}}"}"""));
            Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("DeleteResourcePolicy", $$"""{"ResourceARN":"{{arn}}"}""")).Type);
        }
        Assert.Equal("InvalidArgumentException",
            (await _f.FailAsync("PutResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("s")}}","Policy":"not json"}""")).Type);
    }

    [Theory]
    [InlineData("PutResourcePolicy")]
    [InlineData("GetResourcePolicy")]
    [InlineData("DeleteResourcePolicy")]
    public async Task ResourcePolicy_BadInputOrUnknownResource_IsRejected(string operation)
    {
        Assert.Equal("1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync(operation, $$"""{"Policy":"{{Policy}}"}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync(operation, """{"ResourceARN":7}""")).Type);
        Assert.Equal("ValidationException", (await _f.FailAsync(operation, $$"""{"ResourceARN":"","Policy":"{{Policy}}"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync(operation, $$"""{"ResourceARN":"{{OperationFixture.Arn("x")}}","Policy":"{{Policy}}"}""")).Type);
    }

    [Fact]
    public async Task PutResourcePolicy_MissingPolicy_IsValidationError()
        => Assert.Equal("1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("PutResourcePolicy", $$"""{"ResourceARN":"{{OperationFixture.Arn("s")}}"}""")).Message);
}
