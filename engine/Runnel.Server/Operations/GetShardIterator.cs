using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>GetShardIterator: StreamName | StreamARN, ShardId*, ShardIteratorType*, StartingSequenceNumber,
/// Timestamp; returns ShardIterator.</summary>
internal sealed class GetShardIterator : IOperation
{
    private const string IteratorTypes = "[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]";

    public string Name => nameof(GetShardIterator);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? shardId = request.GetString("ShardId");
        string? iteratorType = request.GetString("ShardIteratorType");
        string? startingSequenceNumber = request.GetString("StartingSequenceNumber");
        DateTimeOffset? timestamp = request.GetTimestamp("Timestamp");
        if (shardId is null)
        {
            throw Requests.MissingMember("ShardId");
        }
        if (iteratorType is null)
        {
            throw Requests.MissingMember("ShardIteratorType");
        }
        if (!WireNames.TryParseIteratorType(iteratorType, out ShardIteratorType type))
        {
            throw CreateStream.NotInEnum(iteratorType, "shardIteratorType", IteratorTypes);
        }
        string iterator = context.Engine.GetShardIterator(stream, shardId, type, startingSequenceNumber, timestamp);
        return ValueTask.FromResult(new JsonObject { ["ShardIterator"] = iterator });
    }
}
