using Runnel.Storage.IoUring.Interop;

namespace Runnel.Storage.IoUring.Ring;

/// <summary>
/// One operation to submit to an <see cref="IoUringRing"/>: the fields of a submission queue entry that this device
/// sets. Buffers behind <see cref="Address"/> belong to the caller and must stay fixed until
/// <see cref="IoUringRing.Submit"/> returns.
/// </summary>
internal readonly record struct IoRequest(byte Opcode, byte Flags, int Fd, ulong Offset, nint Address, uint Length, uint OpFlags)
{
    /// <summary>Whether the operation moves bytes, so a result below <see cref="Length"/> is a short transfer.</summary>
    public bool IsTransfer => Opcode is IoUringConstants.OpWrite or IoUringConstants.OpRead;

    public static IoRequest Write(int fd, nint address, uint length, long offset, bool linked) =>
        new(IoUringConstants.OpWrite, linked ? IoUringConstants.SqeIoLink : (byte)0, fd, (ulong)offset, address, length, 0);

    public static IoRequest Read(int fd, nint address, uint length, long offset) =>
        new(IoUringConstants.OpRead, 0, fd, (ulong)offset, address, length, 0);

    /// <summary>fdatasync of the file (<c>IORING_OP_FSYNC</c> with <c>IORING_FSYNC_DATASYNC</c>).</summary>
    public static IoRequest DataSync(int fd) => new(IoUringConstants.OpFsync, 0, fd, 0, 0, 0, IoUringConstants.FsyncDataSync);

    public static IoRequest Nop() => new(IoUringConstants.OpNop, 0, -1, 0, 0, 0, 0);
}
