using System.Globalization;
using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Operations;

/// <summary>
/// CreateStream: StreamName*, ShardCount, StreamModeDetails{StreamMode*}, Tags, WarmThroughputMiBps,
/// MaxRecordSizeInKiB. No output. Also holds the StreamModeDetails and WarmThroughputMiBps readers that
/// UpdateStreamMode shares.
/// </summary>
internal sealed class CreateStream : IOperation
{
    private const string StreamModes = "[PROVISIONED, ON_DEMAND]";

    public string Name => nameof(CreateStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? streamName = request.GetString("StreamName");
        int? shardCount = request.GetInt32("ShardCount");
        RequestBody? details = request.GetObject("StreamModeDetails");
        IReadOnlyDictionary<string, string>? tags = request.GetStringMap("Tags");
        int? warmThroughput = request.GetInt32("WarmThroughputMiBps");
        int? maxRecordSize = request.GetInt32("MaxRecordSizeInKiB");
        string? mode = details?.GetString("StreamMode");

        if (streamName is null)
        {
            throw Requests.MissingMember("StreamName");
        }
        StreamMode? streamMode = details is null ? null : ParseStreamMode(mode, "streamModeDetails.streamMode");
        RejectWarmThroughput(warmThroughput);
        context.Engine.CreateStream(streamName, shardCount, streamMode, tags, maxRecordSize);
        return ValueTask.FromResult(new JsonObject());
    }

    /// <summary>StreamModeDetails.StreamMode: required inside the structure, one of PROVISIONED and ON_DEMAND.</summary>
    internal static StreamMode ParseStreamMode(string? text, string path)
    {
        if (text is null)
        {
            throw Requests.MissingMember(path);
        }
        return WireNames.TryParseMode(text, out StreamMode mode) ? mode : throw NotInEnum(text, path, StreamModes);
    }

    /// <summary>
    /// WarmThroughputMiBps (at least 0). The engine keeps no warm throughput (AWS grants it only to on-demand
    /// streams of accounts with a minimum throughput billing commitment, which the engine does not keep either),
    /// so a positive value is refused rather than silently dropped; 0 asks for nothing and is accepted.
    /// </summary>
    internal static void RejectWarmThroughput(int? warmThroughputMiBps)
    {
        if (warmThroughputMiBps is not { } value)
        {
            return;
        }
        if (value < 0)
        {
            throw new KinesisException(KinesisErrorCode.Validation,
                $"1 validation error detected: Value '{value.ToString(CultureInfo.InvariantCulture)}' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0");
        }
        if (value > 0)
        {
            throw new KinesisException(KinesisErrorCode.InvalidArgument,
                "WarmThroughputMiBps is not supported by this server: it keeps no warm throughput and no minimum throughput billing commitment.");
        }
    }

    /// <summary>AWS's validation error for a value outside a member's enum, e.g. <c>[PROVISIONED, ON_DEMAND]</c>.</summary>
    internal static KinesisException NotInEnum(string value, string path, string values)
        => new(KinesisErrorCode.Validation,
            $"1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: {values}");
}
