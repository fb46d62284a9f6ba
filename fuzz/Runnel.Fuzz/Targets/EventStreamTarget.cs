using System.Buffers.Binary;
using System.IO.Hashing;
using Runnel.Protocol.EventStream;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Target <c>eventstream</c>: <see cref="EventStreamDecoder.DecodeAll"/> and <see cref="EventStreamDecoder.TryDecode"/>
/// of an <c>application/vnd.amazon.eventstream</c> body, as is and once more with every prelude and message CRC
/// recomputed (walking the declared lengths), so that mutations reach the header parser behind the CRCs.
/// Contract: messages, false (more bytes needed) or <see cref="InvalidDataException"/>, never another exception.
/// </summary>
internal static class EventStreamTarget
{
    private const int PreludeLength = 12;

    /// <summary>Runs the target on one input.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        Decode(input);
        byte[] repaired = input.ToArray();
        RepairChecksums(repaired);
        Decode(repaired);
        budget.Check("eventstream");
    }

    private static void Decode(ReadOnlySpan<byte> body)
    {
        try
        {
            if (EventStreamDecoder.TryDecode(body, out EventStreamMessage? first, out int consumed))
            {
                if (first is null || consumed < EventStreamDecoder.MinMessageLength || consumed > body.Length)
                {
                    throw new ContractViolationException($"eventstream: TryDecode returned true with message {first} and consumed {consumed}.");
                }
            }
            else if (consumed != 0 || first is not null)
            {
                throw new ContractViolationException("eventstream: TryDecode returned false but consumed bytes or gave a message.");
            }
        }
        catch (InvalidDataException)
        {
        }
        try
        {
            foreach (EventStreamMessage message in EventStreamDecoder.DecodeAll(body))
            {
                foreach (EventStreamHeader header in message.Headers)
                {
                    _ = message.Header(header.Name);
                }
                _ = message.Payload.Length;
            }
        }
        catch (InvalidDataException)
        {
        }
    }

    /// <summary>Recomputes the prelude CRC and the message CRC of each message, walking the declared total lengths.</summary>
    internal static void RepairChecksums(Span<byte> body)
    {
        int offset = 0;
        while (body.Length - offset >= PreludeLength)
        {
            Span<byte> rest = body[offset..];
            BinaryPrimitives.WriteUInt32BigEndian(rest[8..], Crc32.HashToUInt32(rest[..8]));
            uint total = BinaryPrimitives.ReadUInt32BigEndian(rest);
            if (total < EventStreamDecoder.MinMessageLength || total > rest.Length)
            {
                return;
            }
            int end = (int)total - 4;
            BinaryPrimitives.WriteUInt32BigEndian(rest[end..], Crc32.HashToUInt32(rest[..end]));
            offset += (int)total;
        }
    }
}
