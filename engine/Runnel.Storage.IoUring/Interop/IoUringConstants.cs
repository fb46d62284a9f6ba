namespace Runnel.Storage.IoUring.Interop;

/// <summary>The io_uring ABI numbers this device uses (include/uapi/linux/io_uring.h); the same on x86-64 and arm64.</summary>
internal static class IoUringConstants
{
    /// <summary>Syscall numbers; since Linux 5.1 new syscalls share one number on every architecture.</summary>
    public const long SysIoUringSetup = 425;
    public const long SysIoUringEnter = 426;
    public const long SysIoUringRegister = 427;

    /// <summary>mmap offsets of the submission ring, the completion ring and the SQE array.</summary>
    public const long OffSqRing = 0;
    public const long OffCqRing = 0x8000000;
    public const long OffSqes = 0x10000000;

    /// <summary>The SQ and CQ rings share one mapping (Linux 5.4).</summary>
    public const uint FeatSingleMmap = 1;

    public const byte OpNop = 0;
    public const byte OpFsync = 3;
    public const byte OpRead = 22;
    public const byte OpWrite = 23;

    /// <summary>The next entry starts only when this one succeeds in full; otherwise it completes with -ECANCELED.</summary>
    public const byte SqeIoLink = 1 << 2;

    public const uint FsyncDataSync = 1;
    public const uint EnterGetEvents = 1;

    /// <summary><c>io_uring_register</c> opcode that reports which operations the kernel supports.</summary>
    public const uint RegisterProbe = 8;

    /// <summary>IORING_REGISTER_IOWQ_MAX_WORKERS (Linux 5.15): caps of the ring's async workers, bounded and unbounded.</summary>
    public const uint RegisterIowqMaxWorkers = 19;

    /// <summary><c>IO_URING_OP_SUPPORTED</c> in <c>struct io_uring_probe_op.flags</c>.</summary>
    public const ushort ProbeOpSupported = 1;
}
