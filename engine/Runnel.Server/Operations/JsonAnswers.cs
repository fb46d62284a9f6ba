using System.Text.Json;
using Runnel.Model;

namespace Runnel.Server.Operations;

/// <summary>
/// Writers for the members the data plane's JSON answers share (<see cref="IJsonOperation"/>): identifiers formatted
/// on the stack instead of as strings, and null members left out, as <c>WireCodec.Encode</c> leaves them out.
/// </summary>
internal static class JsonAnswers
{
    /// <summary>A sequence number (56 decimal digits at most), formatted without a string.</summary>
    public static void WriteSequenceNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, SequenceNumber sequence)
    {
        Span<char> text = stackalloc char[64];
        if (!sequence.TryFormat(text, out int length))
        {
            writer.WriteString(name, sequence.ToString());
            return;
        }
        writer.WriteString(name, text[..length]);
    }

    /// <summary>A shard id (<c>shardId-</c> and 12 digits), formatted without a string.</summary>
    public static void WriteShardId(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ShardId shard)
    {
        Span<char> text = stackalloc char[ShardId.FormattedLength];
        if (!shard.TryFormat(text, out int length))
        {
            writer.WriteString(name, shard.ToString());
            return;
        }
        writer.WriteString(name, text[..length]);
    }

    /// <summary>A string member, left out when null.</summary>
    public static void WriteOptionalString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
