using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Runnel.Protocol.Json;

/// <summary>
/// Reads PutRecords and PutRecord awsJson1_1 bodies forward-only with <see cref="Utf8JsonReader"/>, base64-decoding
/// each <c>Data</c> straight from its UTF-8 token into a caller-owned arena: no <c>JsonNode</c> tree, no UTF-16
/// strings for the data, one arena for the whole batch. This is the write path's hot spot (the tree cost about
/// 5 KB of garbage per 1 KiB record).
/// </summary>
/// <remarks>
/// <para>It reads only the shape every SDK sends: the operation's own members, each at most once, with values of the
/// right type, no <c>null</c>s, and <c>Data</c> unescaped and valid base64. For anything else (malformed JSON, an
/// unknown or duplicate member, a wrong type, a null, an escaped or invalid <c>Data</c>, an unreadable string) it
/// returns false and writes nothing the caller keeps; the caller then decodes the body with
/// <see cref="WireCodec.Decode"/> and <see cref="RequestBody"/>, which produce today's errors (or accept it, as
/// unknown members are). So the errors come from one place and the two paths cannot disagree on them; what this
/// reader accepts it must read exactly as <see cref="RequestBody"/> would, which the server's property tests check.</para>
/// <para>The whole body is read to its end before returning true, so that a syntax error after the records is
/// still the generic path's "not valid JSON", as when the body was parsed whole. Stateless and thread-safe.</para>
/// </remarks>
public static class PutRecordsJsonReader
{
    private const int StreamNameBit = 1 << 0;
    private const int StreamArnBit = 1 << 1;
    private const int RecordsBit = 1 << 2;
    private const int DataBit = 1 << 3;
    private const int PartitionKeyBit = 1 << 4;
    private const int ExplicitHashKeyBit = 1 << 5;
    private const int SequenceNumberForOrderingBit = 1 << 6;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = WireCodec.MaxDepth };

    /// <summary>The arena length that holds every blob of a body of <paramref name="bodyLength"/> bytes, decoded.</summary>
    public static int ArenaLength(int bodyLength) => Base64.GetMaxDecodedFromUtf8Length(bodyLength) + 3;

    /// <summary>
    /// Reads a PutRecords body (StreamName, StreamARN, Records [{Data, PartitionKey, ExplicitHashKey}]). False when
    /// the body is not in the shape read here (see the remarks): decode it the generic way. The arena holds at least
    /// <see cref="ArenaLength"/> bytes; the records' data are slices of it.
    /// </summary>
    public static bool TryReadPutRecords(
        ReadOnlySpan<byte> body, byte[] arena, out string? streamName, out string? streamArn, out List<PutRecordFields>? records)
    {
        ArgumentNullException.ThrowIfNull(arena);
        streamName = null;
        streamArn = null;
        records = null;
        var reader = new Utf8JsonReader(body, s_options);
        int used = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            int seen = 0;
            while (NextMember(ref reader, ref seen, StreamNameBit | StreamArnBit | RecordsBit, out int member))
            {
                switch (member)
                {
                    case StreamNameBit when TryGetString(ref reader, out streamName):
                    case StreamArnBit when TryGetString(ref reader, out streamArn):
                        break;
                    case RecordsBit when TryReadRecords(ref reader, arena, ref used, out records):
                        break;
                    default:
                        return false;
                }
            }
            return reader.TokenType == JsonTokenType.EndObject && AtEnd(ref reader);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads a PutRecord body (StreamName, StreamARN, Data, PartitionKey, ExplicitHashKey, SequenceNumberForOrdering).
    /// False when the body is not in the shape read here: decode it the generic way. The arena holds at least
    /// <see cref="ArenaLength"/> bytes; the record's data is a slice of it.
    /// </summary>
    public static bool TryReadPutRecord(
        ReadOnlySpan<byte> body,
        byte[] arena,
        out string? streamName,
        out string? streamArn,
        out PutRecordFields record,
        out string? sequenceNumberForOrdering)
    {
        ArgumentNullException.ThrowIfNull(arena);
        streamName = null;
        streamArn = null;
        sequenceNumberForOrdering = null;
        record = default;
        var reader = new Utf8JsonReader(body, s_options);
        int used = 0;
        ReadOnlyMemory<byte>? data = null;
        string? partitionKey = null;
        string? explicitHashKey = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            int seen = 0;
            const int Members = StreamNameBit | StreamArnBit | DataBit | PartitionKeyBit | ExplicitHashKeyBit | SequenceNumberForOrderingBit;
            while (NextMember(ref reader, ref seen, Members, out int member))
            {
                switch (member)
                {
                    case StreamNameBit when TryGetString(ref reader, out streamName):
                    case StreamArnBit when TryGetString(ref reader, out streamArn):
                    case PartitionKeyBit when TryGetString(ref reader, out partitionKey):
                    case ExplicitHashKeyBit when TryGetString(ref reader, out explicitHashKey):
                    case SequenceNumberForOrderingBit when TryGetString(ref reader, out sequenceNumberForOrdering):
                        break;
                    case DataBit when TryGetBlob(ref reader, arena, ref used, out ReadOnlyMemory<byte> blob):
                        data = blob;
                        break;
                    default:
                        return false;
                }
            }
            record = new PutRecordFields(data, partitionKey, explicitHashKey);
            return reader.TokenType == JsonTokenType.EndObject && AtEnd(ref reader);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadRecords(ref Utf8JsonReader reader, byte[] arena, ref int used, out List<PutRecordFields>? records)
    {
        records = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        var list = new List<PutRecordFields>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            ReadOnlyMemory<byte>? data = null;
            string? partitionKey = null;
            string? explicitHashKey = null;
            int seen = 0;
            while (NextMember(ref reader, ref seen, DataBit | PartitionKeyBit | ExplicitHashKeyBit, out int member))
            {
                switch (member)
                {
                    case PartitionKeyBit when TryGetString(ref reader, out partitionKey):
                    case ExplicitHashKeyBit when TryGetString(ref reader, out explicitHashKey):
                        break;
                    case DataBit when TryGetBlob(ref reader, arena, ref used, out ReadOnlyMemory<byte> blob):
                        data = blob;
                        break;
                    default:
                        return false;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }
            list.Add(new PutRecordFields(data, partitionKey, explicitHashKey));
        }
        records = list;
        return true;
    }

    /// <summary>
    /// Moves to the next member of the current object and onto its value. False at the object's end, and also for a
    /// member outside <paramref name="allowed"/> or seen before (<paramref name="member"/> is then 0, which the
    /// caller's switch refuses); the caller tells the two apart by <see cref="Utf8JsonReader.TokenType"/>.
    /// </summary>
    private static bool NextMember(ref Utf8JsonReader reader, ref int seen, int allowed, out int member)
    {
        member = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }
        // ValueTextEquals compares the unescaped name, as the generic parser's member lookup does.
        int bit = reader.ValueTextEquals("StreamName"u8) ? StreamNameBit
            : reader.ValueTextEquals("StreamARN"u8) ? StreamArnBit
            : reader.ValueTextEquals("Records"u8) ? RecordsBit
            : reader.ValueTextEquals("Data"u8) ? DataBit
            : reader.ValueTextEquals("PartitionKey"u8) ? PartitionKeyBit
            : reader.ValueTextEquals("ExplicitHashKey"u8) ? ExplicitHashKeyBit
            : reader.ValueTextEquals("SequenceNumberForOrdering"u8) ? SequenceNumberForOrderingBit
            : 0;
        if ((bit & allowed) == 0 || (seen & bit) != 0 || !reader.Read())
        {
            return true; // member stays 0: refused by the caller
        }
        seen |= bit;
        member = bit;
        return true;
    }

    /// <summary>A string value; false for any other token, or a string that does not decode (an unpaired surrogate escape).</summary>
    private static bool TryGetString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        try
        {
            value = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An unescaped base64 string value, decoded into the arena at <paramref name="used"/>.</summary>
    private static bool TryGetBlob(ref Utf8JsonReader reader, byte[] arena, ref int used, out ReadOnlyMemory<byte> value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }
        if (Base64.DecodeFromUtf8(reader.ValueSpan, arena.AsSpan(used), out _, out int written) != OperationStatus.Done)
        {
            return false;
        }
        value = new ReadOnlyMemory<byte>(arena, used, written);
        used += written;
        return true;
    }

    /// <summary>True when nothing but whitespace follows the root object (a trailing value throws JsonException).</summary>
    private static bool AtEnd(ref Utf8JsonReader reader) => !reader.Read();
}
