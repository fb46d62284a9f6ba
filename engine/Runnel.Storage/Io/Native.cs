using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Runnel.Storage.Io;

/// <summary>
/// The POSIX calls .NET does not expose with their result: <c>fdatasync</c>, <c>fsync</c> and <c>open</c> of a
/// directory. On .NET 10 / Linux, <c>FileStream.Flush(true)</c> and <c>RandomAccess.FlushToDisk</c> return
/// normally when the kernel's fsync fails with EIO (measured, see DESIGN.md), so durability goes through here.
/// </summary>
internal static partial class Native
{
    private const int ORdOnly = 0;
    private const int ODirectoryX64 = 0x10000;  // O_DIRECTORY on x86-64 (0x10000 is O_DIRECT on arm64)
    private const int ODirectoryArm64 = 0x4000; // O_DIRECTORY on arm64
    private const int OCloexec = 0x80000;
    private const int Eintr = 4;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSyncRaw(nint fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSyncRaw(nint fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    /// <summary>fdatasync on the handle; throws <see cref="StorageIOException"/> with errno on failure.</summary>
    public static void FDataSync(SafeFileHandle handle, string fileName)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint fd = handle.DangerousGetHandle();
            int result;
            int errno;
            do
            {
                result = FDataSyncRaw(fd);
                errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            while (result != 0 && errno == Eintr);
            if (result != 0)
            {
                throw new StorageIOException($"fdatasync failed on {fileName} (errno {errno}).", fileName, errno);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>fsync of a directory, so that file creations, deletions and renames in it are durable.</summary>
    public static void FSyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int directory = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? ODirectoryArm64
            : ODirectoryX64;
        int fd = OpenRaw(path, ORdOnly | directory | OCloexec);
        if (fd < 0)
        {
            int openErrno = Marshal.GetLastPInvokeError();
            throw new StorageIOException($"open of directory {path} failed (errno {openErrno}).", path, openErrno);
        }
        try
        {
            int result;
            int errno;
            do
            {
                result = FSyncRaw(fd);
                errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            while (result != 0 && errno == Eintr);
            if (result != 0)
            {
                throw new StorageIOException($"fsync of directory {path} failed (errno {errno}).", path, errno);
            }
        }
        finally
        {
            _ = CloseRaw(fd);
        }
    }
}
