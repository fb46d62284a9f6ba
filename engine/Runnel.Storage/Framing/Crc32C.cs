using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Runnel.Storage.Framing;

/// <summary>
/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of every on-disk structure.
/// </summary>
/// <remarks>
/// Built on <see cref="BitOperations.Crc32C(uint, ulong)"/>, which the JIT lowers to the SSE4.2 / ARMv8 CRC32
/// instruction (8 bytes per instruction) and which falls back to a table in software elsewhere.
/// System.IO.Hashing has no CRC-32C (its <c>Crc32</c> is the IEEE polynomial), so it is not used here.
/// Stateless and thread-safe. Check value: CRC-32C("123456789") = 0xE3069283.
/// </remarks>
public static class Crc32C
{
    /// <summary>The initial state of a running checksum.</summary>
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>The finished CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));

    /// <summary>Feeds <paramref name="data"/> into a running (unfinished) checksum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        for (; i <= length - 32; i += 32)
        {
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 8)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 16)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + 24)));
        }
        for (; i <= length - 8; i += 8)
        {
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }
        for (; i < length; i++)
        {
            state = BitOperations.Crc32C(state, Unsafe.Add(ref start, i));
        }
        return state;
    }

    /// <summary>Turns a running checksum into the final value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Finish(uint state) => ~state;

    /// <summary>
    /// Feeds a little-endian 32-bit value (a length field, say) into a running checksum; the same as feeding its
    /// four bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint AppendUInt32(uint state, uint value) => BitOperations.Crc32C(state, value);
}
