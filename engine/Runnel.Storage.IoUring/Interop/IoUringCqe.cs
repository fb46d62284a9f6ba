using System.Runtime.InteropServices;

namespace Runnel.Storage.IoUring.Interop;

/// <summary><c>struct io_uring_cqe</c> (16 bytes): the submission's user data, its result (-errno on failure) and flags.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IoUringCqe
{
    [FieldOffset(0)] public ulong UserData;
    [FieldOffset(8)] public int Result;
    [FieldOffset(12)] public uint Flags;
}
