using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runnel.Security.Audit;

/// <summary>
/// Builds <see cref="AuditRecord.RequestParameters"/> and <see cref="AuditRecord.ResponseElements"/> as CloudTrail
/// does: member names in camelCase (<c>StreamName</c> → <c>streamName</c>), and never any record data: every member
/// named <c>Data</c> (PutRecord's <c>Data</c>, PutRecords' <c>Records[].Data</c>) and every binary value is left out,
/// so the trail never holds a payload. Partition keys and explicit hash keys stay: they are routing metadata that
/// CloudTrail's data events and IAM conditions see too. Read-only calls and errors have no response elements;
/// PutRecords keeps only its counts (one entry per record would be the request again). Stateless; the inputs are
/// only read.
/// </summary>
public static class AuditRedaction
{
    /// <summary>The member that carries record data in PutRecord and in each PutRecords entry.</summary>
    public const string DataMember = "Data";

    /// <summary>The request's members without record data; null for no request.</summary>
    public static JsonObject? RequestParameters(JsonObject? request) => request is null ? null : CopyObject(request);

    /// <summary>The subset of a successful answer kept: null for read-only calls and empty answers.</summary>
    public static JsonObject? ResponseElements(string? eventName, JsonObject? response)
    {
        if (response is null || response.Count == 0 || KinesisAuditEvents.IsReadOnly(eventName))
        {
            return null;
        }
        if (eventName == "PutRecords")
        {
            var counts = new JsonObject();
            foreach (string member in (ReadOnlySpan<string>)["FailedRecordCount", "EncryptionType"])
            {
                if (response[member] is JsonNode value)
                {
                    counts[CamelCase(member)] = CopyNode(value);
                }
            }
            return counts;
        }
        JsonObject copy = CopyObject(response);
        return copy.Count == 0 ? null : copy;
    }

    /// <summary>CloudTrail's member naming: the first letter in lower case.</summary>
    public static string CamelCase(string name)
        => string.IsNullOrEmpty(name) || !char.IsUpper(name[0]) ? name : string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1));

    private static JsonObject CopyObject(JsonObject source)
    {
        var target = new JsonObject();
        foreach ((string name, JsonNode? value) in source)
        {
            if (name == DataMember)
            {
                continue;
            }
            JsonNode? copy = CopyNode(value);
            if (value is null || copy is not null)
            {
                target[CamelCase(name)] = copy;
            }
        }
        return target;
    }

    /// <summary>A copy of a value, or null when it must not be kept (a blob).</summary>
    private static JsonNode? CopyNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                return CopyObject(o);
            case JsonArray a:
                var array = new JsonArray();
                foreach (JsonNode? item in a)
                {
                    JsonNode? copy = CopyNode(item);
                    if (item is null || copy is not null)
                    {
                        array.Add(copy);
                    }
                }
                return array;
            case JsonValue v when v.TryGetValue(out JsonElement element):
                // Parsed JSON: blobs are base64 strings, only ever under a Data member (left out above).
                return JsonValue.Create(element.Clone());
            case JsonValue v when v.TryGetValue(out byte[]? _):
                return null; // a CBOR byte string or a blob built in code: never written
            default:
                return node.DeepClone();
        }
    }
}
