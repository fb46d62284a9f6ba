using System.Buffers.Binary;
using System.Text;

namespace Runnel.Streams.Iterators;

/// <summary>
/// The position a shard iterator stands for: stream (name, tag and creation time, so that a re-created stream of
/// the same name rejects it), shard, the counter of the next record to read, and when it was issued.
/// </summary>
/// <remarks>
/// Payload layout (little-endian), signed by <see cref="TokenSigner"/>:
/// <c>version u8 = 1 | stream tag u32 | stream created ms i64 | shard index i32 | next counter u64 |
/// issued ms i64 | name length u8 | name (ASCII)</c>, then the 16-byte tag. About 240 base64 characters for a
/// 128-character name, within Kinesis's 512.
/// </remarks>
internal readonly record struct ShardIteratorToken(
    string StreamName, uint StreamTag, long StreamCreatedMs, int ShardIndex, ulong NextCounter, long IssuedMs)
{
    private const byte Version = 1;
    private const int FixedLength = 1 + 4 + 8 + 4 + 8 + 8 + 1;

    public string Encode(TokenSigner signer)
    {
        Span<byte> payload = stackalloc byte[FixedLength + StreamName.Length];
        payload[0] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(payload[1..], StreamTag);
        BinaryPrimitives.WriteInt64LittleEndian(payload[5..], StreamCreatedMs);
        BinaryPrimitives.WriteInt32LittleEndian(payload[13..], ShardIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[17..], NextCounter);
        BinaryPrimitives.WriteInt64LittleEndian(payload[25..], IssuedMs);
        payload[33] = (byte)StreamName.Length;
        Encoding.ASCII.GetBytes(StreamName, payload[FixedLength..]);
        return signer.Sign(payload);
    }

    public static bool TryDecode(TokenSigner signer, string? text, out ShardIteratorToken token)
    {
        token = default;
        byte[]? payload = signer.Open(text);
        if (payload is null || payload.Length < FixedLength || payload[0] != Version
            || payload.Length != FixedLength + payload[33])
        {
            return false;
        }
        token = new ShardIteratorToken(
            Encoding.ASCII.GetString(payload.AsSpan(FixedLength)),
            BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(1)),
            BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(5)),
            BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(13)),
            BinaryPrimitives.ReadUInt64LittleEndian(payload.AsSpan(17)),
            BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(25)));
        return true;
    }
}
