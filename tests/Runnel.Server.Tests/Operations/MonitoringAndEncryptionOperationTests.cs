using System.Text.Json.Nodes;

namespace Runnel.Server.Tests.Operations;

public sealed class MonitoringAndEncryptionOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task EnhancedMonitoring_EnableThenDisable_ReportsBeforeAndAfter()
    {
        await _f.CreateStreamAsync("m");
        string arn = OperationFixture.Arn("m");
        Assert.Equal(
            $$"""{"StreamName":"m","CurrentShardLevelMetrics":[],"DesiredShardLevelMetrics":["IncomingBytes","OutgoingRecords"],"StreamARN":"{{arn}}"}""",
            await _f.RunAsync("EnableEnhancedMonitoring", """{"StreamName":"m","ShardLevelMetrics":["OutgoingRecords","IncomingBytes"]}"""));
        Assert.Equal(
            $$"""{"StreamName":"m","CurrentShardLevelMetrics":["IncomingBytes","OutgoingRecords"],"DesiredShardLevelMetrics":["OutgoingRecords"],"StreamARN":"{{arn}}"}""",
            await _f.RunAsync("DisableEnhancedMonitoring", $$"""{"StreamARN":"{{arn}}","ShardLevelMetrics":["IncomingBytes"]}"""));
        JsonNode d = (await _f.RunParsedAsync("DescribeStream", """{"StreamName":"m"}"""))["StreamDescription"]!;
        Assert.Equal("""[{"ShardLevelMetrics":["OutgoingRecords"]}]""", d["EnhancedMonitoring"]!.ToJsonString());
    }

    [Fact]
    public async Task EnhancedMonitoring_All_EnablesTheSevenMetrics()
    {
        await _f.CreateStreamAsync("m");
        JsonObject response = await _f.RunParsedAsync("EnableEnhancedMonitoring", """{"StreamName":"m","ShardLevelMetrics":["ALL"]}""");
        Assert.Equal(7, response["DesiredShardLevelMetrics"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("EnableEnhancedMonitoring")]
    [InlineData("DisableEnhancedMonitoring")]
    public async Task EnhancedMonitoring_BadInput_IsRejected(string operation)
    {
        await _f.CreateStreamAsync("m");
        Assert.Equal("1 validation error detected: Value null at 'shardLevelMetrics' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync(operation, """{"StreamName":"m"}""")).Message);
        (string type, string message) = await _f.FailAsync(operation, """{"StreamName":"m","ShardLevelMetrics":["Bytes"]}""");
        Assert.Equal("ValidationException", type);
        Assert.Contains("Member must satisfy enum value set: [IncomingBytes", message, StringComparison.Ordinal);
        Assert.Equal("SerializationException", (await _f.FailAsync(operation, """{"StreamName":"m","ShardLevelMetrics":"ALL"}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync(operation, """{"StreamName":"x","ShardLevelMetrics":["ALL"]}""")).Type);
    }

    [Fact]
    public async Task StreamEncryption_StartThenStop_ChangesTheStream()
    {
        await _f.CreateStreamAsync("e");
        Assert.Equal("", await _f.RunAsync("StartStreamEncryption", """{"StreamName":"e","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}"""));
        JsonNode s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"e"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal("KMS", (string)s["EncryptionType"]!);
        Assert.Equal("alias/aws/kinesis", (string)s["KeyId"]!);
        JsonNode d = (await _f.RunParsedAsync("DescribeStream", """{"StreamName":"e"}"""))["StreamDescription"]!;
        Assert.Equal("alias/aws/kinesis", (string)d["KeyId"]!);

        Assert.Equal("", await _f.RunAsync("StopStreamEncryption",
            $$"""{"StreamARN":"{{OperationFixture.Arn("e")}}","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}"""));
        s = (await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"e"}"""))["StreamDescriptionSummary"]!;
        Assert.Equal("NONE", (string)s["EncryptionType"]!);
        Assert.Null(s["KeyId"]);
    }

    [Theory]
    [InlineData("StartStreamEncryption")]
    [InlineData("StopStreamEncryption")]
    public async Task StreamEncryption_BadInput_IsRejected(string operation)
    {
        await _f.CreateStreamAsync("e");
        Assert.Equal("1 validation error detected: Value null at 'encryptionType' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync(operation, """{"StreamName":"e","KeyId":"k"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync(operation, """{"StreamName":"e","EncryptionType":"KMS"}""")).Message);
        (string type, string message) = await _f.FailAsync(operation, """{"StreamName":"e","EncryptionType":"AES","KeyId":"k"}""");
        Assert.Equal("ValidationException", type);
        Assert.Contains("Member must satisfy enum value set:", message, StringComparison.Ordinal);
        Assert.Equal("SerializationException", (await _f.FailAsync(operation, """{"StreamName":"e","EncryptionType":"KMS","KeyId":{}}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync(operation, """{"StreamName":"x","EncryptionType":"KMS","KeyId":"k"}""")).Type);
    }
}
