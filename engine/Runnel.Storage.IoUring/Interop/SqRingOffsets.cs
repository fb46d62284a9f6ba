using System.Runtime.InteropServices;

namespace Runnel.Storage.IoUring.Interop;

/// <summary><c>struct io_sqring_offsets</c> (40 bytes): byte offsets of the submission ring's fields in its mapping.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct SqRingOffsets
{
    [FieldOffset(0)] public uint Head;
    [FieldOffset(4)] public uint Tail;
    [FieldOffset(8)] public uint RingMask;
    [FieldOffset(12)] public uint RingEntries;
    [FieldOffset(16)] public uint Flags;
    [FieldOffset(20)] public uint Dropped;
    [FieldOffset(24)] public uint Array;
    [FieldOffset(32)] public ulong UserAddr;
}
