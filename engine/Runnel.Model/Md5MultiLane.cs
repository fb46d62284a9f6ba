using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Runnel.Model;

/// <summary>
/// MD5 of many one-block messages at once: each SIMD lane runs the 64 steps of its own message, 16 lanes with
/// AVX-512 and 8 with AVX2 (or the platform's 256-bit vectors), the way multi-buffer MD5 does. Partition keys of
/// one PutRecords call are independent, so a batch of them costs about what a few single-lane hashes cost. Results
/// equal <see cref="Md5SingleBlock"/> (and MD5) bit for bit. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// The input is the messages already padded into consecutive 64-byte blocks (see
/// <see cref="Md5SingleBlock.HashPaddedInPlace"/> for the padding). Lanes are loaded word by word across blocks (a
/// transposition), so the kernel's cost per message is the 64 steps divided by the lane count plus 16 word loads.
/// A tail shorter than a vector goes through the scalar kernel.
/// </remarks>
internal static class Md5MultiLane
{
    private const int WordsPerBlock = Md5SingleBlock.BlockLength / sizeof(uint);

    /// <summary>Messages hashed together by the widest kernel this machine accelerates (1 when none is).</summary>
    public static int Lanes =>
        Vector512.IsHardwareAccelerated ? Lanes512.Count : Vector256.IsHardwareAccelerated ? Lanes256.Count : 1;

    /// <summary>
    /// Hashes <paramref name="digests"/>.Length padded blocks laid end to end in <paramref name="blocks"/> (64 bytes
    /// each) into their digests read as big-endian 128-bit integers.
    /// </summary>
    public static void HashPaddedBlocks(ReadOnlySpan<byte> blocks, Span<UInt128> digests)
    {
        int count = digests.Length;
        if (blocks.Length < count * Md5SingleBlock.BlockLength)
        {
            throw new ArgumentException("Fewer blocks than digests.", nameof(blocks));
        }
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(blocks[..(count * Md5SingleBlock.BlockLength)]);
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < count; i++)
            {
                digests[i] = Md5SingleBlock.Compress(blocks.Slice(i * Md5SingleBlock.BlockLength, Md5SingleBlock.BlockLength));
            }
            return;
        }
        int done = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; count - done >= Lanes512.Count; done += Lanes512.Count)
            {
                Compress<Lanes512>(words.Slice(done * WordsPerBlock, Lanes512.Count * WordsPerBlock), digests.Slice(done, Lanes512.Count));
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; count - done >= Lanes256.Count; done += Lanes256.Count)
            {
                Compress<Lanes256>(words.Slice(done * WordsPerBlock, Lanes256.Count * WordsPerBlock), digests.Slice(done, Lanes256.Count));
            }
        }
        for (; done < count; done++)
        {
            digests[done] = Md5SingleBlock.Compress(blocks.Slice(done * Md5SingleBlock.BlockLength, Md5SingleBlock.BlockLength));
        }
    }

    // The 64 additive constants T[i] of RFC 1321, step by step.
    private static ReadOnlySpan<uint> T =>
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private static void Compress<TV>(ReadOnlySpan<uint> w, Span<UInt128> digests)
        where TV : unmanaged, ILanes<TV>
    {
        Debug.Assert(w.Length == TV.Count * WordsPerBlock && digests.Length == TV.Count);
        Span<TV> x = stackalloc TV[WordsPerBlock];
        for (int i = 0; i < WordsPerBlock; i++)
        {
            x[i] = TV.Word(w, i);
        }
        ReadOnlySpan<uint> t = T;

        TV a = TV.Splat(0x67452301);
        TV b = TV.Splat(0xefcdab89);
        TV c = TV.Splat(0x98badcfe);
        TV d = TV.Splat(0x10325476);

        // Four rounds of 16 steps as loops of four rather than unrolled: small enough for the JIT to inline every
        // vector operation and keep a, b, c, d and the message vectors in registers (32 with AVX-512), with the
        // rotations as immediates.
        for (int i = 0; i < 16; i += 4)
        {
            Step(ref a, ref b, ref c, ref d, TV.Xor(d, TV.And(b, TV.Xor(c, d))), x[i], t[i], 7);
            Step(ref a, ref b, ref c, ref d, TV.Xor(d, TV.And(b, TV.Xor(c, d))), x[i + 1], t[i + 1], 12);
            Step(ref a, ref b, ref c, ref d, TV.Xor(d, TV.And(b, TV.Xor(c, d))), x[i + 2], t[i + 2], 17);
            Step(ref a, ref b, ref c, ref d, TV.Xor(d, TV.And(b, TV.Xor(c, d))), x[i + 3], t[i + 3], 22);
        }
        for (int i = 16; i < 32; i += 4)
        {
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.And(d, TV.Xor(b, c))), x[((5 * i) + 1) & 15], t[i], 5);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.And(d, TV.Xor(b, c))), x[((5 * i) + 6) & 15], t[i + 1], 9);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.And(d, TV.Xor(b, c))), x[((5 * i) + 11) & 15], t[i + 2], 14);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.And(d, TV.Xor(b, c))), x[((5 * i) + 16) & 15], t[i + 3], 20);
        }
        for (int i = 32; i < 48; i += 4)
        {
            Step(ref a, ref b, ref c, ref d, TV.Xor(TV.Xor(b, c), d), x[((3 * i) + 5) & 15], t[i], 4);
            Step(ref a, ref b, ref c, ref d, TV.Xor(TV.Xor(b, c), d), x[((3 * i) + 8) & 15], t[i + 1], 11);
            Step(ref a, ref b, ref c, ref d, TV.Xor(TV.Xor(b, c), d), x[((3 * i) + 11) & 15], t[i + 2], 16);
            Step(ref a, ref b, ref c, ref d, TV.Xor(TV.Xor(b, c), d), x[((3 * i) + 14) & 15], t[i + 3], 23);
        }
        for (int i = 48; i < 64; i += 4)
        {
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.Or(b, TV.Not(d))), x[(7 * i) & 15], t[i], 6);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.Or(b, TV.Not(d))), x[((7 * i) + 7) & 15], t[i + 1], 10);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.Or(b, TV.Not(d))), x[((7 * i) + 14) & 15], t[i + 2], 15);
            Step(ref a, ref b, ref c, ref d, TV.Xor(c, TV.Or(b, TV.Not(d))), x[((7 * i) + 21) & 15], t[i + 3], 21);
        }

        a = TV.Add(a, TV.Splat(0x67452301));
        b = TV.Add(b, TV.Splat(0xefcdab89));
        c = TV.Add(c, TV.Splat(0x98badcfe));
        d = TV.Add(d, TV.Splat(0x10325476));

        Span<uint> la = stackalloc uint[TV.Count];
        Span<uint> lb = stackalloc uint[TV.Count];
        Span<uint> lc = stackalloc uint[TV.Count];
        Span<uint> ld = stackalloc uint[TV.Count];
        a.Store(la);
        b.Store(lb);
        c.Store(lc);
        d.Store(ld);
        for (int lane = 0; lane < TV.Count; lane++)
        {
            // The digest is a|b|c|d, each little-endian; read it as one big-endian integer.
            ulong upper = ((ulong)BinaryPrimitives.ReverseEndianness(la[lane]) << 32) | BinaryPrimitives.ReverseEndianness(lb[lane]);
            ulong lower = ((ulong)BinaryPrimitives.ReverseEndianness(lc[lane]) << 32) | BinaryPrimitives.ReverseEndianness(ld[lane]);
            digests[lane] = new UInt128(upper, lower);
        }
    }

    /// <summary>One MD5 step: b += rotl(a + f + x + t, s), then the registers turn (a, b, c, d) = (d, new b, b, c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TV>(ref TV a, ref TV b, ref TV c, ref TV d, TV f, TV x, uint t, int s)
        where TV : unmanaged, ILanes<TV>
    {
        TV sum = TV.Add(TV.Add(a, f), TV.Add(x, TV.Splat(t)));
        TV next = TV.Add(b, TV.RotateLeft(sum, s));
        a = d;
        d = c;
        c = b;
        b = next;
    }

    /// <summary>The operations the kernel needs on one vector of lanes; implemented per width so the JIT specializes it.</summary>
    private interface ILanes<TSelf>
        where TSelf : unmanaged, ILanes<TSelf>
    {
        static abstract int Count { get; }

        /// <summary>Word <paramref name="word"/> of every lane's block (blocks of 16 words laid end to end).</summary>
        static abstract TSelf Word(ReadOnlySpan<uint> blocks, int word);

        static abstract TSelf Splat(uint value);

        static abstract TSelf Add(TSelf left, TSelf right);

        static abstract TSelf And(TSelf left, TSelf right);

        static abstract TSelf Or(TSelf left, TSelf right);

        static abstract TSelf Xor(TSelf left, TSelf right);

        static abstract TSelf Not(TSelf value);

        static abstract TSelf RotateLeft(TSelf value, int count);

        void Store(Span<uint> destination);
    }

    private readonly struct Lanes256(Vector256<uint> value) : ILanes<Lanes256>
    {
        private readonly Vector256<uint> _value = value;

        public static int Count => Vector256<uint>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Word(ReadOnlySpan<uint> blocks, int word) => new(Vector256.Create(
            blocks[word], blocks[word + 16], blocks[word + 32], blocks[word + 48],
            blocks[word + 64], blocks[word + 80], blocks[word + 96], blocks[word + 112]));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Splat(uint value) => new(Vector256.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Add(Lanes256 left, Lanes256 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 And(Lanes256 left, Lanes256 right) => new(left._value & right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Or(Lanes256 left, Lanes256 right) => new(left._value | right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Xor(Lanes256 left, Lanes256 right) => new(left._value ^ right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Not(Lanes256 value) => new(~value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 RotateLeft(Lanes256 value, int count) =>
            new(Vector256.ShiftLeft(value._value, count) | Vector256.ShiftRightLogical(value._value, 32 - count));

        public void Store(Span<uint> destination) => _value.CopyTo(destination);
    }

    private readonly struct Lanes512(Vector512<uint> value) : ILanes<Lanes512>
    {
        private readonly Vector512<uint> _value = value;

        public static int Count => Vector512<uint>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Word(ReadOnlySpan<uint> blocks, int word) => new(Vector512.Create(
            blocks[word], blocks[word + 16], blocks[word + 32], blocks[word + 48],
            blocks[word + 64], blocks[word + 80], blocks[word + 96], blocks[word + 112],
            blocks[word + 128], blocks[word + 144], blocks[word + 160], blocks[word + 176],
            blocks[word + 192], blocks[word + 208], blocks[word + 224], blocks[word + 240]));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Splat(uint value) => new(Vector512.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Add(Lanes512 left, Lanes512 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 And(Lanes512 left, Lanes512 right) => new(left._value & right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Or(Lanes512 left, Lanes512 right) => new(left._value | right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Xor(Lanes512 left, Lanes512 right) => new(left._value ^ right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Not(Lanes512 value) => new(~value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 RotateLeft(Lanes512 value, int count) =>
            new(Vector512.ShiftLeft(value._value, count) | Vector512.ShiftRightLogical(value._value, 32 - count));

        public void Store(Span<uint> destination) => _value.CopyTo(destination);
    }
}
