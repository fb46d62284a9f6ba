using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Runnel.Protocol.EventStream;

/// <summary>
/// Writes <c>application/vnd.amazon.eventstream</c> messages: a 12-byte prelude (total length, headers length,
/// CRC-32 of those 8 bytes), the headers, the payload, and a CRC-32 of everything before it; integers big-endian,
/// CRC-32 the IEEE 802.3 polynomial. Headers are written as strings (value type 7). Stateless and thread-safe.
/// </summary>
public static class EventStreamEncoder
{
    /// <summary>Prelude (8 bytes) plus its CRC.</summary>
    internal const int PreludeLength = 12;

    /// <summary>The trailing message CRC.</summary>
    internal const int TrailerLength = 4;

    /// <summary>Value type of a string header.</summary>
    internal const byte StringType = 7;

    /// <summary>The longest header name, in UTF-8 bytes.</summary>
    public const int MaxHeaderNameBytes = byte.MaxValue;

    /// <summary>The longest string header value, in UTF-8 bytes.</summary>
    public const int MaxHeaderValueBytes = short.MaxValue;

    /// <summary>The encoded message, CRCs included.</summary>
    /// <exception cref="ArgumentException">A header name or value is empty or too long.</exception>
    public static byte[] Encode(EventStreamMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int headersLength = 0;
        foreach (EventStreamHeader header in message.Headers)
        {
            int name = Encoding.UTF8.GetByteCount(header.Name);
            int value = Encoding.UTF8.GetByteCount(header.Value);
            if (name is 0 or > MaxHeaderNameBytes)
            {
                throw new ArgumentException($"Header name '{header.Name}' must be 1 to {MaxHeaderNameBytes} UTF-8 bytes.", nameof(message));
            }
            if (value > MaxHeaderValueBytes)
            {
                throw new ArgumentException($"Header '{header.Name}' has a value over {MaxHeaderValueBytes} UTF-8 bytes.", nameof(message));
            }
            headersLength += 1 + name + 1 + 2 + value;
        }
        ReadOnlySpan<byte> payload = message.Payload.Span;
        int total = checked(PreludeLength + headersLength + payload.Length + TrailerLength);
        byte[] buffer = new byte[total];
        Span<byte> span = buffer;
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.HashToUInt32(span[..8]));
        int at = PreludeLength;
        foreach (EventStreamHeader header in message.Headers)
        {
            int name = Encoding.UTF8.GetBytes(header.Name, span[(at + 1)..]);
            span[at] = (byte)name;
            at += 1 + name;
            span[at++] = StringType;
            int value = Encoding.UTF8.GetBytes(header.Value, span[(at + 2)..]);
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)value);
            at += 2 + value;
        }
        payload.CopyTo(span[at..]);
        at += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], Crc32.HashToUInt32(span[..at]));
        return buffer;
    }
}
