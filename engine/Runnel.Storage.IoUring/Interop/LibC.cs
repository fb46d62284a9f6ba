using System.Runtime.InteropServices;

namespace Runnel.Storage.IoUring.Interop;

/// <summary>
/// The libc calls the device makes directly, each returning its result with <c>errno</c> through
/// <see cref="Marshal.GetLastPInvokeError"/>. Linux only; flag values are per architecture where they differ.
/// </summary>
internal static unsafe partial class LibC
{
    public const int Eintr = 4;
    public const int Enoent = 2;
    public const int Ebadf = 9;
    public const int Eagain = 11;
    public const int Ebusy = 16;
    public const int Einval = 22;
    public const int Enosys = 38;
    public const int Ecanceled = 125;

    public const int ORdOnly = 0;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OCloexec = 0x80000;

    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapShared = 1;
    public const int MapPopulate = 0x8000;

    /// <summary>Mode of new files before the umask, as .NET uses (0666).</summary>
    public const int DefaultFileMode = 0x1B6;

    /// <summary><c>O_DIRECT</c>: 040000 on x86-64, 0200000 on arm64 (where 040000 means O_DIRECTORY).</summary>
    public static int ODirect => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    /// <summary><c>O_DIRECTORY</c>: 0200000 on x86-64, 040000 on arm64.</summary>
    public static int ODirectory => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    // syscall(2) is variadic; integer arguments travel in the same registers as for a fixed-arity call on
    // x86-64 and on Linux arm64, so a six-argument prototype is safe there.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(void* address, nuint length);

    // open(2) is variadic for its mode; see the note on Syscall.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, void* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    public const int SeekEnd = 2;

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint PWrite(int fd, void* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(int fd);

    public const int PosixFadvSequential = 2;
    public const int PosixFadvWillNeed = 3;

    /// <summary>posix_fadvise: returns 0 or the error number itself (it does not set errno).</summary>
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int PosixFadvise(int fd, long offset, long length, int advice);

    /// <summary>The mapping address <c>mmap</c> returns on failure.</summary>
    public static void* MapFailed => (void*)-1;
}
