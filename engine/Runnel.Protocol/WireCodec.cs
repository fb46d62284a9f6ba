using System.Buffers;
using System.Formats.Cbor;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runnel.Protocol;

/// <summary>
/// Decodes request bodies and encodes response bodies in either wire format. Responses are built as a
/// <see cref="JsonObject"/> whose blobs are <c>byte[]</c> values and whose timestamps are
/// <see cref="DateTimeOffset"/> values; each format writes those its own way (JSON: base64 and epoch seconds;
/// CBOR: byte strings and tag 1 with epoch milliseconds). Thread-safe and stateless.
/// </summary>
public static class WireCodec
{
    /// <summary>Deepest nesting accepted in a request (Kinesis requests nest three levels at most).</summary>
    public const int MaxDepth = 32;

    // Duplicate members are refused while parsing: JsonObject otherwise throws ArgumentException when a handler first
    // reads the object (a 500).
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };
    private static readonly JsonNodeOptions s_nodeOptions = new() { PropertyNameCaseInsensitive = false };

    /// <summary>Decodes a request body; an empty body is an empty structure.</summary>
    /// <exception cref="ProtocolException">SerializationException for anything that is not a well-formed structure.</exception>
    public static RequestBody Decode(ReadOnlySpan<byte> body, WireFormat format)
        => format == WireFormat.Cbor ? DecodeCbor(body) : DecodeJson(body);

    /// <summary>Encodes a response body.</summary>
    public static byte[] Encode(JsonObject response, WireFormat format)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Count == 0)
        {
            return []; // operations without output answer 200 with an empty body, as AWS and the emulators do
        }
        return format == WireFormat.Cbor ? EncodeCbor(response) : EncodeJson(response);
    }

    /// <summary>Encodes the error envelope <c>{"__type": ..., "message": ...}</c>.</summary>
    public static byte[] EncodeError(string errorType, string message, WireFormat format)
        => Encode(new JsonObject { ["__type"] = errorType, ["message"] = message }, format);

    private static RequestBody DecodeJson(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || IsWhitespace(body))
        {
            return RequestBody.Empty;
        }
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            // JsonNode.Parse defers string validation until a value is read; check the whole body up front.
            throw ProtocolException.Serialization("The request body is not valid UTF-8.");
        }
        try
        {
            RejectUnpairedSurrogates(body);
            JsonNode? node = JsonNode.Parse(body, s_nodeOptions, s_documentOptions);
            return node is JsonObject o
                ? new RequestBody(o)
                : throw ProtocolException.Serialization("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ProtocolException("SerializationException", "The request body is not valid JSON.", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ProtocolException("SerializationException", "The request body is not valid JSON.", e);
        }
    }

    /// <summary>
    /// Decodes every escaped string and member name once: an escape such as <c>\ud800</c> (an unpaired surrogate)
    /// passes parsing and only fails, with InvalidOperationException, when a handler reads the string (a 500).
    /// Unescaped strings need no check: the body is valid UTF-8.
    /// </summary>
    private static void RejectUnpairedSurrogates(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                _ = reader.GetString();
            }
        }
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }
        return true;
    }

    private static RequestBody DecodeCbor(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return RequestBody.Empty;
        }
        try
        {
            // Strict, not Lax: Lax decodes invalid UTF-8 in text strings into U+FFFD instead of rejecting it.
            var reader = new CborReader(body.ToArray(), CborConformanceMode.Strict);
            JsonNode? node = ReadCbor(reader, 0);
            if (reader.BytesRemaining != 0 || node is not JsonObject o)
            {
                throw ProtocolException.Serialization("The request body must be one CBOR map.");
            }
            return new RequestBody(o);
        }
        catch (CborContentException e)
        {
            throw new ProtocolException("SerializationException", "The request body is not valid CBOR.", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ProtocolException("SerializationException", "The request body is not valid CBOR.", e);
        }
        catch (FormatException e)
        {
            throw new ProtocolException("SerializationException", "The request body is not valid CBOR.", e);
        }
        catch (OverflowException e)
        {
            // An integer beyond the range of a 64-bit signed integer (CborReader.ReadInt64).
            throw new ProtocolException("SerializationException", "The request body holds an integer out of range.", e);
        }
    }

    private static JsonNode? ReadCbor(CborReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtocolException.Serialization("The request body nests too deeply.");
        }
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                int? count = reader.ReadStartMap();
                var map = new JsonObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    if (reader.PeekState() != CborReaderState.TextString)
                    {
                        throw ProtocolException.Serialization("CBOR map keys must be text strings.");
                    }
                    string key = reader.ReadTextString();
                    map[key] = ReadCbor(reader, depth + 1);
                }
                reader.ReadEndMap();
                _ = count;
                return map;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                var array = new JsonArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    array.Add(ReadCbor(reader, depth + 1));
                }
                reader.ReadEndArray();
                return array;
            case CborReaderState.TextString:
                return JsonValue.Create(reader.ReadTextString());
            case CborReaderState.StartIndefiniteLengthTextString:
                return JsonValue.Create(reader.ReadTextString());
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                return JsonValue.Create(reader.ReadByteString());
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                return JsonValue.Create(reader.ReadInt64());
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return JsonValue.Create(reader.ReadDouble());
            case CborReaderState.Boolean:
                return JsonValue.Create(reader.ReadBoolean());
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.Tag:
                CborTag tag = reader.ReadTag();
                if (tag != CborTag.UnixTimeSeconds)
                {
                    throw ProtocolException.Serialization($"Unsupported CBOR tag {(ulong)tag}.");
                }
                return JsonValue.Create(ReadTimestamp(reader));
            default:
                throw ProtocolException.Serialization("Unsupported CBOR value.");
        }
    }

    /// <summary>
    /// The value after tag 1. The AWS Java SDK writes epoch milliseconds as an integer; a float is epoch seconds.
    /// Anything else, or a time outside what <see cref="DateTimeOffset"/> holds (NaN, infinities), is a
    /// SerializationException.
    /// </summary>
    private static DateTimeOffset ReadTimestamp(CborReader reader)
    {
        const double MinMilliseconds = -62_135_596_800_000;
        const double MaxMilliseconds = 253_402_300_799_999;
        double milliseconds = reader.PeekState() switch
        {
            CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64(),
            CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat
                => Math.Round(reader.ReadDouble() * 1000),
            _ => throw ProtocolException.Serialization("CBOR tag 1 must be followed by a number."),
        };
        if (!double.IsFinite(milliseconds) || milliseconds < MinMilliseconds || milliseconds > MaxMilliseconds)
        {
            throw ProtocolException.Serialization("The CBOR timestamp is out of range.");
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }

    private static byte[] EncodeJson(JsonObject response)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, response);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="node"/> as <see cref="Encode"/> does in JSON (null members left out, <c>byte[]</c> as
    /// base64, <see cref="DateTimeOffset"/> as <see cref="WriteTimestampValue"/>), for answers written member by member
    /// that embed a rare structure.
    /// </summary>
    public static void WriteJsonValue(Utf8JsonWriter writer, JsonNode? node)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteJson(writer, node);
    }

    /// <summary>
    /// A timestamp as awsJson1_1 carries it: epoch seconds as a number, the decimal quotient of the epoch
    /// milliseconds by 1000 (so up to three decimals). The one place JSON timestamps are formatted.
    /// </summary>
    public static void WriteTimestampValue(Utf8JsonWriter writer, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(writer);
        long ms = time.ToUnixTimeMilliseconds();
        if (ms < 0)
        {
            writer.WriteNumberValue(ms / 1000m); // before 1970: rare, the decimal itself
            return;
        }
        // What the decimal quotient formats as, without the decimal division (a GetRecords page formats 10,000):
        // the seconds, then the milliseconds without trailing zeros.
        Span<byte> text = stackalloc byte[24];
        ((ulong)ms / 1000).TryFormat(text, out int length, provider: CultureInfo.InvariantCulture);
        int fraction = (int)((ulong)ms % 1000);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            text[length++] = (byte)('0' + (fraction / 100));
            if (fraction % 100 != 0)
            {
                text[length++] = (byte)('0' + (fraction / 10 % 10));
                if (fraction % 10 != 0)
                {
                    text[length++] = (byte)('0' + (fraction % 10));
                }
            }
        }
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private static void WriteJson(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach ((string key, JsonNode? value) in o)
                {
                    if (value is null)
                    {
                        continue; // AWS omits null members
                    }
                    writer.WritePropertyName(key);
                    WriteJson(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (JsonNode? item in a)
                {
                    WriteJson(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValue v when v.TryGetValue(out byte[]? bytes):
                writer.WriteBase64StringValue(bytes);
                break;
            case JsonValue v when v.TryGetValue(out DateTimeOffset time):
                WriteTimestampValue(writer, time);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static byte[] EncodeCbor(JsonObject response)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        WriteCbor(writer, response);
        return writer.Encode();
    }

    private static void WriteCbor(CborWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNull();
                break;
            case JsonObject o:
                int count = 0;
                foreach ((string _, JsonNode? value) in o)
                {
                    count += value is null ? 0 : 1;
                }
                writer.WriteStartMap(count);
                foreach ((string key, JsonNode? value) in o)
                {
                    if (value is null)
                    {
                        continue;
                    }
                    writer.WriteTextString(key);
                    WriteCbor(writer, value);
                }
                writer.WriteEndMap();
                break;
            case JsonArray a:
                writer.WriteStartArray(a.Count);
                foreach (JsonNode? item in a)
                {
                    WriteCbor(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValue v when v.TryGetValue(out byte[]? bytes):
                writer.WriteByteString(bytes);
                break;
            case JsonValue v when v.TryGetValue(out DateTimeOffset time):
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteInt64(time.ToUnixTimeMilliseconds());
                break;
            case JsonValue v when v.TryGetValue(out string? text):
                writer.WriteTextString(text);
                break;
            case JsonValue v when v.TryGetValue(out bool flag):
                writer.WriteBoolean(flag);
                break;
            case JsonValue v when v.TryGetValue(out long whole):
                writer.WriteInt64(whole);
                break;
            case JsonValue v when v.TryGetValue(out int small):
                writer.WriteInt32(small);
                break;
            case JsonValue v when v.TryGetValue(out double real):
                writer.WriteDouble(real);
                break;
            default:
                throw new InvalidOperationException($"Cannot encode {node} as CBOR.");
        }
    }
}
