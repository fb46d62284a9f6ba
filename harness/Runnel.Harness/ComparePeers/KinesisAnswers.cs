using System.Text.Json;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// Reads the members of Kinesis JSON answers that the load generator counts, with a forward-only
/// <see cref="Utf8JsonReader"/> (no tree, no base64 decoding), so that the generator stays cheap next to the targets.
/// </summary>
public static class KinesisAnswers
{
    /// <summary>
    /// The records refused in a PutRecords answer (its <c>FailedRecordCount</c>, or the entries with an
    /// <c>ErrorCode</c> when the count is absent); null when the body is not a PutRecords answer.
    /// </summary>
    public static int? PutRecordsFailed(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            int? failedCount = null;
            int errorEntries = 0;
            bool sawRecords = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("FailedRecordCount"u8))
                {
                    reader.Read();
                    failedCount = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : null;
                }
                else if (reader.ValueTextEquals("Records"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return null;
                    }
                    sawRecords = true;
                    errorEntries = CountErrorEntries(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return failedCount ?? (sawRecords ? errorEntries : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The records, data bytes, next iterator and lag of a GetRecords answer; null when the body is not one.</summary>
    public static GetRecordsPage? ParseGetRecords(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            int records = 0;
            long bytes = 0;
            string? next = null;
            long behind = 0;
            bool sawRecords = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Records"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return null;
                    }
                    sawRecords = true;
                    (records, bytes) = CountRecords(ref reader);
                }
                else if (reader.ValueTextEquals("NextShardIterator"u8))
                {
                    reader.Read();
                    next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("MillisBehindLatest"u8))
                {
                    reader.Read();
                    behind = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return sawRecords ? new GetRecordsPage(records, bytes, next, behind) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The byte length of base64 text of <paramref name="length"/> characters ending in <paramref name="padding"/> '='.</summary>
    public static long Base64DecodedLength(int length, int padding) => length / 4 * 3 - padding;

    private static int CountErrorEntries(ref Utf8JsonReader reader)
    {
        int errors = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isError = reader.ValueTextEquals("ErrorCode"u8);
                reader.Read();
                if (isError && reader.TokenType == JsonTokenType.String)
                {
                    errors++;
                }
                reader.Skip();
            }
        }
        return errors;
    }

    private static (int Records, long Bytes) CountRecords(ref Utf8JsonReader reader)
    {
        int records = 0;
        long bytes = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            records++;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("Data"u8);
                reader.Read();
                if (isData && reader.TokenType == JsonTokenType.String)
                {
                    bytes += DataLength(ref reader);
                }
                reader.Skip();
            }
        }
        return (records, bytes);
    }

    private static long DataLength(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            string text = reader.GetString()!; // '+' or '/' may come escaped (\u002B); unescape before counting
            return Base64DecodedLength(text.Length, text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0);
        }
        ReadOnlySpan<byte> value = reader.ValueSpan;
        int padding = value.EndsWith("=="u8) ? 2 : value.EndsWith("="u8) ? 1 : 0;
        return Base64DecodedLength(value.Length, padding);
    }
}
