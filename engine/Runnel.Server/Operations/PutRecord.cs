using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>PutRecord: StreamName | StreamARN, Data*, PartitionKey*, ExplicitHashKey, SequenceNumberForOrdering;
/// returns ShardId, SequenceNumber and EncryptionType.</summary>
internal sealed class PutRecord : IOperation
{
    public string Name => nameof(PutRecord);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        byte[]? data = request.GetBlob("Data");
        string? partitionKey = request.GetString("PartitionKey");
        string? explicitHashKey = request.GetString("ExplicitHashKey");
        string? sequenceNumberForOrdering = request.GetString("SequenceNumberForOrdering");
        if (data is null)
        {
            throw Requests.MissingMember("Data");
        }
        if (partitionKey is null)
        {
            throw Requests.MissingMember("PartitionKey");
        }
        PutRecordResult result = await context.Engine
            .PutRecordAsync(stream, data, partitionKey, explicitHashKey, sequenceNumberForOrdering)
            .ConfigureAwait(false);
        return new JsonObject
        {
            ["ShardId"] = result.ShardId.ToString(),
            ["SequenceNumber"] = result.SequenceNumber.ToString(),
            ["EncryptionType"] = result.EncryptionType,
        };
    }
}
