using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>
/// PutRecords: StreamName | StreamARN, Records* [{Data*, PartitionKey*, ExplicitHashKey}]; returns FailedRecordCount
/// (always, 0 when all succeed), Records in request order ({SequenceNumber, ShardId} or {ErrorCode, ErrorMessage})
/// and EncryptionType.
/// </summary>
internal sealed class PutRecords : IOperation
{
    public string Name => nameof(PutRecords);

    public async ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        IReadOnlyList<RequestBody>? records = request.GetObjectList("Records");
        if (records is null)
        {
            throw Requests.MissingMember("Records");
        }
        var fields = new (byte[]? Data, string? PartitionKey, string? ExplicitHashKey)[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            fields[i] = (records[i].GetBlob("Data"), records[i].GetString("PartitionKey"), records[i].GetString("ExplicitHashKey"));
        }
        var entries = new PutRecordsEntry[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            (byte[]? data, string? partitionKey, string? explicitHashKey) = fields[i];
            string path = $"records.{i + 1}.member.";
            if (data is null)
            {
                throw Requests.MissingMember(path + "data");
            }
            if (partitionKey is null)
            {
                throw Requests.MissingMember(path + "partitionKey");
            }
            entries[i] = new PutRecordsEntry(data, partitionKey, explicitHashKey);
        }
        PutRecordsResult result = await context.Engine.PutRecordsAsync(stream, entries).ConfigureAwait(false);
        var results = new JsonArray();
        foreach (PutRecordsResultEntry entry in result.Records)
        {
            results.Add(entry.ErrorCode is null
                ? new JsonObject
                {
                    ["SequenceNumber"] = entry.SequenceNumber?.ToString(),
                    ["ShardId"] = entry.ShardId?.ToString(),
                }
                : new JsonObject
                {
                    ["ErrorCode"] = entry.ErrorCode,
                    ["ErrorMessage"] = entry.ErrorMessage,
                });
        }
        return new JsonObject
        {
            ["FailedRecordCount"] = JsonValue.Create((long)result.FailedRecordCount),
            ["Records"] = results,
            ["EncryptionType"] = result.EncryptionType,
        };
    }
}
