using System.Text.Json.Nodes;

namespace Runnel.Server.Tests.Operations;

/// <summary>StartStreamEncryption with real keys over the wire: KMS errors as AWS sends them, and encrypted records
/// marked KMS in PutRecords and GetRecords.</summary>
public sealed class EncryptionOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task StartStreamEncryption_MissingOrDisabledKey_IsTheKmsError()
    {
        await _f.CreateStreamAsync("e");
        (string type, string message) = await _f.FailAsync("StartStreamEncryption", """{"StreamName":"e","EncryptionType":"KMS","KeyId":"alias/none"}""");
        Assert.Equal(("KMSNotFoundException", $"Alias arn:aws:kms:us-east-1:{OperationFixture.Account}:alias/none is not found."), (type, message));

        string keyId = _f.Engine.Keys.Create("alias/off").KeyId;
        _f.Engine.Keys.Disable(keyId);
        (type, message) = await _f.FailAsync("StartStreamEncryption", $$"""{"StreamName":"e","EncryptionType":"KMS","KeyId":"{{keyId}}"}""");
        Assert.Equal(("KMSDisabledException", $"arn:aws:kms:us-east-1:{OperationFixture.Account}:key/{keyId} is disabled."), (type, message));
    }

    [Fact]
    public async Task PutRecords_EncryptedStream_ReportsKmsAndReadsBack()
    {
        await _f.CreateStreamAsync("e");
        string keyId = _f.Engine.Keys.Create().Arn;
        await _f.RunAsync("StartStreamEncryption", $$"""{"StreamName":"e","EncryptionType":"KMS","KeyId":"{{keyId}}"}""");
        JsonObject put = await _f.RunParsedAsync("PutRecords", """{"StreamName":"e","Records":[{"Data":"aGk=","PartitionKey":"p"}]}""");
        Assert.Equal("KMS", (string)put["EncryptionType"]!);
        JsonObject summary = await _f.RunParsedAsync("DescribeStreamSummary", """{"StreamName":"e"}""");
        Assert.Equal(keyId, (string)summary["StreamDescriptionSummary"]!["KeyId"]!);
        JsonObject iterator = await _f.RunParsedAsync("GetShardIterator", """{"StreamName":"e","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""");
        JsonObject records = await _f.RunParsedAsync("GetRecords", $$"""{"ShardIterator":"{{(string)iterator["ShardIterator"]!}}"}""");
        JsonNode record = records["Records"]![0]!;
        Assert.Equal(("aGk=", "p", "KMS"), ((string)record["Data"]!, (string)record["PartitionKey"]!, (string)record["EncryptionType"]!));
    }
}
