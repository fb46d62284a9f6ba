using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Runnel.Model;

/// <summary>
/// MD5 (RFC 1321) of a message that fits in one 64-byte block (at most <see cref="MaxMessageLength"/> bytes),
/// returned as the digest read as an unsigned big-endian 128-bit integer. The 64 steps are unrolled and the state
/// stays in registers, so a short partition key hashes without a call into the platform crypto library.
/// Stateless and thread-safe.
/// </summary>
internal static class Md5SingleBlock
{
    /// <summary>The longest message that still leaves room for the 0x80 terminator and the 8-byte bit length.</summary>
    public const int MaxMessageLength = 55;

    /// <summary>The MD5 block size in bytes.</summary>
    public const int BlockLength = 64;

    /// <summary>
    /// Hashes <paramref name="block"/>, a 64-byte buffer whose first <paramref name="messageLength"/> bytes are the
    /// message and whose remaining bytes are zero. The buffer is padded in place.
    /// </summary>
    public static UInt128 HashPaddedInPlace(Span<byte> block, int messageLength)
    {
        Pad(block, messageLength);
        return Compress(block);
    }

    /// <summary>
    /// Pads <paramref name="block"/> (64 bytes, the message in its first <paramref name="messageLength"/> bytes, zeros
    /// after) in place: the 0x80 terminator and the message length in bits.
    /// </summary>
    public static void Pad(Span<byte> block, int messageLength)
    {
        Debug.Assert(block.Length == BlockLength && (uint)messageLength <= MaxMessageLength);
        block[messageLength] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], (ulong)messageLength * 8);
    }

    /// <summary>The digest of one padded block, read as an unsigned big-endian 128-bit integer.</summary>
    public static UInt128 Compress(ReadOnlySpan<byte> block)
    {
        // Bounds check once; the constant-offset reads below are then provably in range.
        block = block[..BlockLength];
        uint x0 = BinaryPrimitives.ReadUInt32LittleEndian(block[0..]);
        uint x1 = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        uint x2 = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]);
        uint x3 = BinaryPrimitives.ReadUInt32LittleEndian(block[12..]);
        uint x4 = BinaryPrimitives.ReadUInt32LittleEndian(block[16..]);
        uint x5 = BinaryPrimitives.ReadUInt32LittleEndian(block[20..]);
        uint x6 = BinaryPrimitives.ReadUInt32LittleEndian(block[24..]);
        uint x7 = BinaryPrimitives.ReadUInt32LittleEndian(block[28..]);
        uint x8 = BinaryPrimitives.ReadUInt32LittleEndian(block[32..]);
        uint x9 = BinaryPrimitives.ReadUInt32LittleEndian(block[36..]);
        uint x10 = BinaryPrimitives.ReadUInt32LittleEndian(block[40..]);
        uint x11 = BinaryPrimitives.ReadUInt32LittleEndian(block[44..]);
        uint x12 = BinaryPrimitives.ReadUInt32LittleEndian(block[48..]);
        uint x13 = BinaryPrimitives.ReadUInt32LittleEndian(block[52..]);
        uint x14 = BinaryPrimitives.ReadUInt32LittleEndian(block[56..]);
        uint x15 = BinaryPrimitives.ReadUInt32LittleEndian(block[60..]);

        uint a = 0x67452301;
        uint b = 0xefcdab89;
        uint c = 0x98badcfe;
        uint d = 0x10325476;

        // Round 1.
        a = F(a, b, c, d, x0, 7, 0xd76aa478);
        d = F(d, a, b, c, x1, 12, 0xe8c7b756);
        c = F(c, d, a, b, x2, 17, 0x242070db);
        b = F(b, c, d, a, x3, 22, 0xc1bdceee);
        a = F(a, b, c, d, x4, 7, 0xf57c0faf);
        d = F(d, a, b, c, x5, 12, 0x4787c62a);
        c = F(c, d, a, b, x6, 17, 0xa8304613);
        b = F(b, c, d, a, x7, 22, 0xfd469501);
        a = F(a, b, c, d, x8, 7, 0x698098d8);
        d = F(d, a, b, c, x9, 12, 0x8b44f7af);
        c = F(c, d, a, b, x10, 17, 0xffff5bb1);
        b = F(b, c, d, a, x11, 22, 0x895cd7be);
        a = F(a, b, c, d, x12, 7, 0x6b901122);
        d = F(d, a, b, c, x13, 12, 0xfd987193);
        c = F(c, d, a, b, x14, 17, 0xa679438e);
        b = F(b, c, d, a, x15, 22, 0x49b40821);

        // Round 2.
        a = G(a, b, c, d, x1, 5, 0xf61e2562);
        d = G(d, a, b, c, x6, 9, 0xc040b340);
        c = G(c, d, a, b, x11, 14, 0x265e5a51);
        b = G(b, c, d, a, x0, 20, 0xe9b6c7aa);
        a = G(a, b, c, d, x5, 5, 0xd62f105d);
        d = G(d, a, b, c, x10, 9, 0x02441453);
        c = G(c, d, a, b, x15, 14, 0xd8a1e681);
        b = G(b, c, d, a, x4, 20, 0xe7d3fbc8);
        a = G(a, b, c, d, x9, 5, 0x21e1cde6);
        d = G(d, a, b, c, x14, 9, 0xc33707d6);
        c = G(c, d, a, b, x3, 14, 0xf4d50d87);
        b = G(b, c, d, a, x8, 20, 0x455a14ed);
        a = G(a, b, c, d, x13, 5, 0xa9e3e905);
        d = G(d, a, b, c, x2, 9, 0xfcefa3f8);
        c = G(c, d, a, b, x7, 14, 0x676f02d9);
        b = G(b, c, d, a, x12, 20, 0x8d2a4c8a);

        // Round 3.
        a = H(a, b, c, d, x5, 4, 0xfffa3942);
        d = H(d, a, b, c, x8, 11, 0x8771f681);
        c = H(c, d, a, b, x11, 16, 0x6d9d6122);
        b = H(b, c, d, a, x14, 23, 0xfde5380c);
        a = H(a, b, c, d, x1, 4, 0xa4beea44);
        d = H(d, a, b, c, x4, 11, 0x4bdecfa9);
        c = H(c, d, a, b, x7, 16, 0xf6bb4b60);
        b = H(b, c, d, a, x10, 23, 0xbebfbc70);
        a = H(a, b, c, d, x13, 4, 0x289b7ec6);
        d = H(d, a, b, c, x0, 11, 0xeaa127fa);
        c = H(c, d, a, b, x3, 16, 0xd4ef3085);
        b = H(b, c, d, a, x6, 23, 0x04881d05);
        a = H(a, b, c, d, x9, 4, 0xd9d4d039);
        d = H(d, a, b, c, x12, 11, 0xe6db99e5);
        c = H(c, d, a, b, x15, 16, 0x1fa27cf8);
        b = H(b, c, d, a, x2, 23, 0xc4ac5665);

        // Round 4.
        a = I(a, b, c, d, x0, 6, 0xf4292244);
        d = I(d, a, b, c, x7, 10, 0x432aff97);
        c = I(c, d, a, b, x14, 15, 0xab9423a7);
        b = I(b, c, d, a, x5, 21, 0xfc93a039);
        a = I(a, b, c, d, x12, 6, 0x655b59c3);
        d = I(d, a, b, c, x3, 10, 0x8f0ccc92);
        c = I(c, d, a, b, x10, 15, 0xffeff47d);
        b = I(b, c, d, a, x1, 21, 0x85845dd1);
        a = I(a, b, c, d, x8, 6, 0x6fa87e4f);
        d = I(d, a, b, c, x15, 10, 0xfe2ce6e0);
        c = I(c, d, a, b, x6, 15, 0xa3014314);
        b = I(b, c, d, a, x13, 21, 0x4e0811a1);
        a = I(a, b, c, d, x4, 6, 0xf7537e82);
        d = I(d, a, b, c, x11, 10, 0xbd3af235);
        c = I(c, d, a, b, x2, 15, 0x2ad7d2bb);
        b = I(b, c, d, a, x9, 21, 0xeb86d391);

        a += 0x67452301;
        b += 0xefcdab89;
        c += 0x98badcfe;
        d += 0x10325476;

        // The digest is a|b|c|d, each little-endian; read it as one big-endian integer.
        ulong upper = ((ulong)BinaryPrimitives.ReverseEndianness(a) << 32) | BinaryPrimitives.ReverseEndianness(b);
        ulong lower = ((ulong)BinaryPrimitives.ReverseEndianness(c) << 32) | BinaryPrimitives.ReverseEndianness(d);
        return new UInt128(upper, lower);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint F(uint a, uint b, uint c, uint d, uint x, int s, uint t) =>
        b + BitOperations.RotateLeft(a + (d ^ (b & (c ^ d))) + x + t, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint G(uint a, uint b, uint c, uint d, uint x, int s, uint t) =>
        b + BitOperations.RotateLeft(a + (c ^ (d & (b ^ c))) + x + t, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint H(uint a, uint b, uint c, uint d, uint x, int s, uint t) =>
        b + BitOperations.RotateLeft(a + (b ^ c ^ d) + x + t, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint I(uint a, uint b, uint c, uint d, uint x, int s, uint t) =>
        b + BitOperations.RotateLeft(a + (c ^ (b | ~d)) + x + t, s);
}
