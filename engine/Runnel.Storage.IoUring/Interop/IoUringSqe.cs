using System.Runtime.InteropServices;

namespace Runnel.Storage.IoUring.Interop;

/// <summary>
/// <c>struct io_uring_sqe</c> (64 bytes), one submission queue entry. Only the fields this device uses are named;
/// the entry is zeroed before it is filled, so the rest stay 0.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct IoUringSqe
{
    [FieldOffset(0)] public byte Opcode;
    [FieldOffset(1)] public byte Flags;
    [FieldOffset(2)] public ushort IoPriority;
    [FieldOffset(4)] public int Fd;
    [FieldOffset(8)] public ulong Offset;
    [FieldOffset(16)] public ulong Address;
    [FieldOffset(24)] public uint Length;

    /// <summary><c>rw_flags</c> for reads and writes, <c>fsync_flags</c> for fsync (same union).</summary>
    [FieldOffset(28)] public uint OpFlags;
    [FieldOffset(32)] public ulong UserData;
}
