using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runnel.Protocol;

/// <summary>
/// A decoded request (or nested structure) with typed accessors. A member of the wrong type is a
/// <c>SerializationException</c>, as AWS answers; an absent or null member reads as null. Blobs arrive as base64
/// strings (JSON) or byte arrays (CBOR); timestamps as epoch seconds (JSON numbers) or <see cref="DateTimeOffset"/> (CBOR).
/// </summary>
public sealed class RequestBody
{
    private readonly JsonObject _object;

    public RequestBody(JsonObject value) => _object = value;

    /// <summary>An empty body (an empty request, or "{}").</summary>
    public static RequestBody Empty => new([]);

    /// <summary>The decoded members, to be read and never changed (the audit trail copies them without record data).</summary>
    public JsonObject Members => _object;

    /// <summary>Whether the member is present and not null.</summary>
    public bool Has(string name) => _object[name] is not null;

    public string? GetString(string name) => _object[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw WrongType(name, "a string"),
    };

    public int? GetInt32(string name)
    {
        long? value = GetInt64(name);
        return value is null ? null
            : value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw WrongType(name, "an integer");
    }

    public long? GetInt64(string name)
    {
        switch (_object[name])
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue(out long l):
                return l;
            case JsonValue v when v.TryGetValue(out double d) && d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue:
                return (long)d;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                throw WrongType(name, "an integer");
            default:
                throw WrongType(name, "an integer");
        }
    }

    public bool? GetBoolean(string name) => _object[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw WrongType(name, "a boolean"),
    };

    /// <summary>A blob: base64 text (JSON) or a byte string (CBOR).</summary>
    public byte[]? GetBlob(string name)
    {
        switch (_object[name])
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue(out byte[]? bytes):
                return bytes;
            case JsonValue v when v.TryGetValue(out string? text):
                try
                {
                    return Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    throw ProtocolException.Serialization($"Base64 encoded data is invalid for {name}.");
                }
            default:
                throw WrongType(name, "a base64 string");
        }
    }

    /// <summary>A timestamp: epoch seconds (a number, with fractions), an ISO-8601 string, or a CBOR tag-1 value.</summary>
    public DateTimeOffset? GetTimestamp(string name)
    {
        switch (_object[name])
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue(out DateTimeOffset t):
                return t;
            case JsonValue v when v.TryGetValue(out double seconds):
                return FromEpochSeconds(seconds, name);
            case JsonValue v when v.TryGetValue(out long whole):
                return FromEpochSeconds(whole, name);
            case JsonValue v when v.TryGetValue(out string? text):
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
                {
                    return FromEpochSeconds(parsed, name);
                }
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset iso))
                {
                    return iso;
                }
                throw WrongType(name, "a timestamp");
            default:
                throw WrongType(name, "a timestamp");
        }
    }

    public RequestBody? GetObject(string name) => _object[name] switch
    {
        null => null,
        JsonObject o => new RequestBody(o),
        _ => throw WrongType(name, "a structure"),
    };

    public IReadOnlyList<RequestBody>? GetObjectList(string name)
    {
        if (_object[name] is null)
        {
            return null;
        }
        if (_object[name] is not JsonArray array)
        {
            throw WrongType(name, "a list");
        }
        var list = new List<RequestBody>(array.Count);
        foreach (JsonNode? item in array)
        {
            list.Add(item is JsonObject o ? new RequestBody(o) : throw WrongType(name, "a list of structures"));
        }
        return list;
    }

    public IReadOnlyList<string>? GetStringList(string name)
    {
        if (_object[name] is null)
        {
            return null;
        }
        if (_object[name] is not JsonArray array)
        {
            throw WrongType(name, "a list");
        }
        var list = new List<string>(array.Count);
        foreach (JsonNode? item in array)
        {
            list.Add(item is JsonValue v && v.TryGetValue(out string? s) ? s : throw WrongType(name, "a list of strings"));
        }
        return list;
    }

    public IReadOnlyDictionary<string, string>? GetStringMap(string name)
    {
        if (_object[name] is null)
        {
            return null;
        }
        if (_object[name] is not JsonObject map)
        {
            throw WrongType(name, "a map");
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in map)
        {
            result[key] = value is JsonValue v && v.TryGetValue(out string? s) ? s : throw WrongType(name, "a map of strings");
        }
        return result;
    }

    private static DateTimeOffset FromEpochSeconds(double seconds, string name)
    {
        if (double.IsNaN(seconds) || seconds < -62_135_596_800 || seconds > 253_402_300_799)
        {
            throw WrongType(name, "a timestamp");
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    private static ProtocolException WrongType(string name, string expected)
        => ProtocolException.Serialization($"Unexpected value for {name}: expected {expected}.");
}
