using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Runnel.Protocol.EventStream;

/// <summary>
/// Reads <c>application/vnd.amazon.eventstream</c> messages, checking both CRCs (used by tests and tools; the
/// server only writes). Header values of every type are returned as text: strings as they are, booleans as
/// <c>true</c>/<c>false</c>, integers and timestamps (epoch milliseconds) in decimal, byte arrays in base64,
/// UUIDs in their <see cref="Guid"/> form of the 16 bytes read big-endian. Stateless and thread-safe.
/// </summary>
public static class EventStreamDecoder
{
    /// <summary>The smallest possible message: a prelude and a trailer, no headers, no payload.</summary>
    public const int MinMessageLength = EventStreamEncoder.PreludeLength + EventStreamEncoder.TrailerLength;

    /// <summary>
    /// Decodes the first message of <paramref name="buffer"/> if it is complete; <paramref name="consumed"/> is its
    /// length. Returns false (and consumes nothing) when more bytes are needed.
    /// </summary>
    /// <exception cref="InvalidDataException">A length is impossible, a CRC does not match, or a header is malformed.</exception>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out EventStreamMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (buffer.Length < EventStreamEncoder.PreludeLength)
        {
            return false;
        }
        uint total = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        uint headersLength = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        uint preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        if (Crc32.HashToUInt32(buffer[..8]) != preludeCrc)
        {
            throw new InvalidDataException("Event-stream prelude CRC mismatch.");
        }
        if (total < MinMessageLength || total > int.MaxValue || headersLength > total - MinMessageLength)
        {
            throw new InvalidDataException($"Event-stream message length {total} with headers length {headersLength} is impossible.");
        }
        if (buffer.Length < total)
        {
            return false;
        }
        int length = (int)total;
        int end = length - EventStreamEncoder.TrailerLength;
        if (Crc32.HashToUInt32(buffer[..end]) != BinaryPrimitives.ReadUInt32BigEndian(buffer[end..]))
        {
            throw new InvalidDataException("Event-stream message CRC mismatch.");
        }
        int headersEnd = EventStreamEncoder.PreludeLength + (int)headersLength;
        List<EventStreamHeader> headers = ReadHeaders(buffer[EventStreamEncoder.PreludeLength..headersEnd]);
        message = new EventStreamMessage(headers, buffer[headersEnd..end].ToArray());
        consumed = length;
        return true;
    }

    /// <summary>Every message of a complete stream body, in order.</summary>
    /// <exception cref="InvalidDataException">A message is corrupt, or the body ends inside one.</exception>
    public static IReadOnlyList<EventStreamMessage> DecodeAll(ReadOnlySpan<byte> body)
    {
        var messages = new List<EventStreamMessage>();
        while (!body.IsEmpty)
        {
            if (!TryDecode(body, out EventStreamMessage? message, out int consumed))
            {
                throw new InvalidDataException($"The event stream ends inside a message ({body.Length} bytes left over).");
            }
            messages.Add(message!);
            body = body[consumed..];
        }
        return messages;
    }

    private static List<EventStreamHeader> ReadHeaders(ReadOnlySpan<byte> span)
    {
        var headers = new List<EventStreamHeader>();
        while (!span.IsEmpty)
        {
            int nameLength = span[0];
            Need(span, 1 + nameLength + 1);
            string name = Encoding.UTF8.GetString(span.Slice(1, nameLength));
            byte type = span[1 + nameLength];
            span = span[(2 + nameLength)..];
            (string value, int used) = ReadValue(span, type, name);
            headers.Add(new EventStreamHeader(name, value));
            span = span[used..];
        }
        return headers;
    }

    private static (string Value, int Used) ReadValue(ReadOnlySpan<byte> span, byte type, string name)
    {
        switch (type)
        {
            case 0:
                return ("true", 0);
            case 1:
                return ("false", 0);
            case 2:
                Need(span, 1);
                return (((sbyte)span[0]).ToString(CultureInfo.InvariantCulture), 1);
            case 3:
                Need(span, 2);
                return (BinaryPrimitives.ReadInt16BigEndian(span).ToString(CultureInfo.InvariantCulture), 2);
            case 4:
                Need(span, 4);
                return (BinaryPrimitives.ReadInt32BigEndian(span).ToString(CultureInfo.InvariantCulture), 4);
            case 5:
            case 8:
                Need(span, 8);
                return (BinaryPrimitives.ReadInt64BigEndian(span).ToString(CultureInfo.InvariantCulture), 8);
            case 6:
            case EventStreamEncoder.StringType:
                Need(span, 2);
                int length = BinaryPrimitives.ReadUInt16BigEndian(span);
                Need(span, 2 + length);
                ReadOnlySpan<byte> bytes = span.Slice(2, length);
                return (type == 6 ? Convert.ToBase64String(bytes) : Encoding.UTF8.GetString(bytes), 2 + length);
            case 9:
                Need(span, 16);
                return (new Guid(span[..16], bigEndian: true).ToString(), 16);
            default:
                throw new InvalidDataException($"Event-stream header '{name}' has unknown value type {type}.");
        }
    }

    private static void Need(ReadOnlySpan<byte> span, int bytes)
    {
        if (span.Length < bytes)
        {
            throw new InvalidDataException("Event-stream headers end inside a header.");
        }
    }
}
