using System.Buffers.Binary;
using System.Text;

namespace Runnel.Streams.Iterators;

/// <summary>
/// A NextToken of ListShards, ListStreams or ListStreamConsumers: what was listed, after which item, and when
/// the token was issued (tokens expire after 300 s). Payload: <c>kind u8 | issued ms i64 | max results i32 |
/// scope length u16 | scope | after length u16 | after</c> (UTF-8), signed by <see cref="TokenSigner"/>.
/// </summary>
internal readonly record struct ListToken(byte Kind, long IssuedMs, int MaxResults, string Scope, string After)
{
    public const byte ShardsKind = 1;
    public const byte StreamsKind = 2;
    public const byte ConsumersKind = 3;

    public string Encode(TokenSigner signer)
    {
        byte[] scope = Encoding.UTF8.GetBytes(Scope);
        byte[] after = Encoding.UTF8.GetBytes(After);
        byte[] payload = new byte[1 + 8 + 4 + 2 + scope.Length + 2 + after.Length];
        payload[0] = Kind;
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(1), IssuedMs);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(9), MaxResults);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(13), (ushort)scope.Length);
        scope.CopyTo(payload, 15);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(15 + scope.Length), (ushort)after.Length);
        after.CopyTo(payload, 17 + scope.Length);
        return signer.Sign(payload);
    }

    public static bool TryDecode(TokenSigner signer, string? text, byte kind, out ListToken token)
    {
        token = default;
        byte[]? p = signer.Open(text);
        if (p is null || p.Length < 17 || p[0] != kind)
        {
            return false;
        }
        int scopeLength = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(13));
        if (p.Length < 17 + scopeLength)
        {
            return false;
        }
        int afterLength = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(15 + scopeLength));
        if (p.Length != 17 + scopeLength + afterLength)
        {
            return false;
        }
        token = new ListToken(
            kind,
            BinaryPrimitives.ReadInt64LittleEndian(p.AsSpan(1)),
            BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(9)),
            Encoding.UTF8.GetString(p.AsSpan(15, scopeLength)),
            Encoding.UTF8.GetString(p.AsSpan(17 + scopeLength, afterLength)));
        return true;
    }
}
