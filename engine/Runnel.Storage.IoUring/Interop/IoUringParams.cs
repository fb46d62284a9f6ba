using System.Runtime.InteropServices;

namespace Runnel.Storage.IoUring.Interop;

/// <summary>
/// <c>struct io_uring_params</c> (120 bytes), filled in by <c>io_uring_setup</c>: the ring sizes, the kernel's
/// feature bits and where the head, tail, mask and arrays sit inside the mapped rings.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 120)]
internal struct IoUringParams
{
    [FieldOffset(0)] public uint SqEntries;
    [FieldOffset(4)] public uint CqEntries;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint SqThreadCpu;
    [FieldOffset(16)] public uint SqThreadIdle;
    [FieldOffset(20)] public uint Features;
    [FieldOffset(24)] public uint WqFd;
    [FieldOffset(40)] public SqRingOffsets SqOff;
    [FieldOffset(80)] public CqRingOffsets CqOff;
}
