using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>ListTagsForStream: StreamName | StreamARN, ExclusiveStartTagKey, Limit; returns Tags [{Key, Value}] and
/// HasMoreTags.</summary>
internal sealed class ListTagsForStream : IOperation
{
    public string Name => nameof(ListTagsForStream);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? exclusiveStartTagKey = request.GetString("ExclusiveStartTagKey");
        int? limit = request.GetInt32("Limit");
        (IReadOnlyList<KeyValuePair<string, string>> tags, bool hasMoreTags) =
            context.Engine.ListTagsForStream(stream, exclusiveStartTagKey, limit);
        return ValueTask.FromResult(new JsonObject
        {
            ["Tags"] = Tags(tags),
            ["HasMoreTags"] = JsonValue.Create(hasMoreTags),
        });
    }

    /// <summary>The TagList shape: [{Key, Value}].</summary>
    internal static JsonArray Tags(IEnumerable<KeyValuePair<string, string>> tags)
    {
        var array = new JsonArray();
        foreach ((string key, string value) in tags)
        {
            array.Add(new JsonObject { ["Key"] = key, ["Value"] = value });
        }
        return array;
    }
}
