using System.Runtime.InteropServices;
using Runnel.Storage.IoUring.Interop;

namespace Runnel.Storage.IoUring.Ring;

/// <summary>
/// Runs a chain of <see cref="IoRequest"/>s the way <see cref="IoUringRing.Submit"/> would, but as plain
/// <c>pwrite</c>, <c>pread</c> and <c>fdatasync</c> calls on the calling thread: in order, one call per request, each
/// result the syscall's (bytes moved, or -errno), and a request after a failed or short one in its link chain
/// completing with -ECANCELED, as the kernel completes it. So <see cref="CompletionCheck"/> reads both the same way.
/// </summary>
/// <remarks>
/// Why: the kernel cannot run a buffered write or an fsync without blocking, so on the ring it hands both to an
/// io-wq worker thread and wakes the submitter when they are done. A caller that waits for its chain anyway (a
/// commit round) pays those two hand-offs for nothing; measured on this machine's ext4 (kernel 6.18, virtio disk),
/// one durable commit took 25-33% longer on the ring than as syscalls (ADR 0006, "Single-file chains as syscalls").
/// The ring keeps what only it does: many files' fdatasyncs in flight at once (<see cref="IoUringSyncGroup"/>).
/// </remarks>
internal static unsafe class InlineChain
{
    public static void Run(ReadOnlySpan<IoRequest> requests, Span<int> results)
    {
        bool cancelled = false;
        for (int i = 0; i < requests.Length; i++)
        {
            IoRequest request = requests[i];
            bool linked = (request.Flags & IoUringConstants.SqeIoLink) != 0;
            if (cancelled)
            {
                results[i] = -LibC.Ecanceled;
                cancelled = linked;
                continue;
            }
            int result = Execute(request);
            results[i] = result;
            cancelled = linked && (result < 0 || (request.IsTransfer && (uint)result < request.Length));
        }
    }

    private static int Execute(in IoRequest request)
    {
        while (true)
        {
            long result = request.Opcode switch
            {
                IoUringConstants.OpWrite => LibC.PWrite(request.Fd, (void*)request.Address, request.Length, (long)request.Offset),
                IoUringConstants.OpRead => LibC.PRead(request.Fd, (void*)request.Address, request.Length, (long)request.Offset),
                IoUringConstants.OpFsync when request.OpFlags == IoUringConstants.FsyncDataSync => LibC.FDataSync(request.Fd),
                IoUringConstants.OpFsync => LibC.FSync(request.Fd),
                IoUringConstants.OpNop => 0,
                _ => throw new NotSupportedException($"io_uring opcode {request.Opcode} has no inline form."),
            };
            if (result >= 0)
            {
                return (int)result;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.Eintr)
            {
                return -errno;
            }
        }
    }
}
