using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Operations;

/// <summary>
/// TagResource: ResourceARN* (a stream or a consumer), Tags*. No output. Also holds the ResourceARN helpers the
/// other resource operations share.
/// </summary>
internal sealed partial class TagResource : IOperation
{
    private const string ResourceArnPattern = @"arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+";

    public string Name => nameof(TagResource);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? resourceArn = request.GetString("ResourceARN");
        IReadOnlyDictionary<string, string>? tags = request.GetStringMap("Tags");
        string arn = ResourceArn(resourceArn);
        if (tags is null)
        {
            throw Requests.MissingMember("Tags");
        }
        context.Engine.TagResource(arn, tags);
        return ValueTask.FromResult(new JsonObject());
    }

    /// <summary>ResourceARN: required, 1..2048 characters, the model's stream-or-consumer pattern.</summary>
    internal static string ResourceArn(string? arn)
    {
        if (arn is null)
        {
            throw Requests.MissingMember("ResourceARN");
        }
        string? constraint = arn.Length switch
        {
            0 => "Member must have length greater than or equal to 1",
            > 2048 => "Member must have length less than or equal to 2048",
            _ => ResourceArnRegex().IsMatch(arn) ? null : $"Member must satisfy regular expression pattern: {ResourceArnPattern}",
        };
        return constraint is null
            ? arn
            : throw new KinesisException(KinesisErrorCode.Validation,
                $"1 validation error detected: Value '{arn}' at 'resourceARN' failed to satisfy constraint: {constraint}");
    }

    /// <summary>Whether a (valid) resource ARN names a consumer rather than a stream.</summary>
    internal static bool IsConsumer(string arn) => arn.Contains("/consumer/", StringComparison.Ordinal);

    /// <summary>Throws ResourceNotFoundException unless the stream or consumer exists.</summary>
    internal static void RequireExists(StreamEngine engine, string arn)
    {
        if (IsConsumer(arn))
        {
            _ = engine.DescribeStreamConsumer(consumerArn: arn);
        }
        else
        {
            _ = engine.DescribeStreamSummary(new StreamRef(null, arn));
        }
    }

    [GeneratedRegex(@"^arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+$")]
    private static partial Regex ResourceArnRegex();
}
