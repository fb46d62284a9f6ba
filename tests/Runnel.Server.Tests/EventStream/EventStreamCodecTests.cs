using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Protocol.EventStream;

namespace Runnel.Server.Tests;

/// <summary>The <c>application/vnd.amazon.eventstream</c> encoder and decoder: round trips, partial input, corruption.</summary>
public class EventStreamCodecTests
{
    [Fact]
    public void Encode_EmptyMessage_MatchesTheReferenceVector()
    {
        // aws-c-event-stream's "empty_message" vector: total 16, headers 0, then the two CRC-32s.
        byte[] expected = [0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff];
        Assert.Equal(expected, EventStreamEncoder.Encode(new EventStreamMessage([], ReadOnlyMemory<byte>.Empty)));
    }

    [Fact]
    public void Encode_Event_HasStringHeadersInOrder()
    {
        byte[] frame = EventStreamEncoder.Encode(EventStreamMessage.Event("initial-response", "application/json", "{}"u8.ToArray()));
        Assert.True(EventStreamDecoder.TryDecode(frame, out EventStreamMessage? message, out int consumed));
        Assert.Equal(frame.Length, consumed);
        Assert.Equal(
            [new(":message-type", "event"), new(":event-type", "initial-response"), new(":content-type", "application/json")],
            message!.Headers);
        Assert.Equal("{}", Encoding.UTF8.GetString(message.Payload.Span));
        // name_len u8, name, type 7, value_len u16 BE, value
        Assert.Equal([13, .. ":message-type"u8, 7, 0, 5, .. "event"u8], frame.AsSpan(12, 1 + 13 + 1 + 2 + 5).ToArray());
    }

    [Property(MaxTest = 300)]
    public Property EncodeDecode_AnyHeadersAndPayload_RoundTripsAndDetectsTruncationAndCorruption()
        => Prop.ForAll(
            ArbMap.Default.GeneratorFor<(NonEmptyString Name, string? Value)[]>().ToArbitrary(),
            ArbMap.Default.GeneratorFor<byte[]>().ToArbitrary(),
            ArbMap.Default.GeneratorFor<PositiveInt>().ToArbitrary(),
            (raw, payload, flip) =>
            {
                EventStreamHeader[] headers = [.. raw
                    .Select(h => new EventStreamHeader(h.Name.Get, h.Value ?? ""))
                    .Where(h => Utf8Safe(h.Name) && Utf8Safe(h.Value) && Encoding.UTF8.GetByteCount(h.Name) <= 255)];
                byte[] frame = EventStreamEncoder.Encode(new EventStreamMessage(headers, payload));

                bool roundTrips = EventStreamDecoder.TryDecode(frame, out EventStreamMessage? decoded, out int consumed)
                    && consumed == frame.Length
                    && decoded!.Headers.SequenceEqual(headers)
                    && decoded.Payload.Span.SequenceEqual(payload);
                bool twoInARow = EventStreamDecoder.DecodeAll([.. frame, .. frame]).Count == 2;
                int cut = flip.Get % frame.Length;
                bool prefixWaits = !EventStreamDecoder.TryDecode(frame.AsSpan(0, cut), out _, out int none) && none == 0;
                byte[] corrupt = (byte[])frame.Clone();
                corrupt[cut] ^= (byte)(1 << (flip.Get % 8));
                bool corruptionThrows = Throws(corrupt);
                return (roundTrips && twoInARow && prefixWaits && corruptionThrows).ToProperty();
            });

    [Fact]
    public void Encode_TooLongHeaderName_Throws()
        => Assert.Throws<ArgumentException>(() =>
            EventStreamEncoder.Encode(new EventStreamMessage([new(new string('n', 256), "v")], ReadOnlyMemory<byte>.Empty)));

    private static bool Utf8Safe(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) == text;

    private static bool Throws(byte[] frame)
    {
        try
        {
            EventStreamDecoder.TryDecode(frame, out _, out _);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
