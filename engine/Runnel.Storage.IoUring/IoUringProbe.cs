using System.Runtime.InteropServices;
using Runnel.Storage.IoUring.Interop;
using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring;

/// <summary>
/// Finds out once per process whether io_uring can serve this device: Linux on x86-64 or arm64, a ring that sets
/// up and maps (seccomp, <c>kernel.io_uring_disabled</c> or an old kernel refuse it), the read, write and fsync
/// operations supported, and a no-op that round-trips. Thread-safe; the result is cached.
/// </summary>
public static class IoUringProbe
{
    private static readonly Lazy<IoUringAvailability> s_current = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The cached result for this process.</summary>
    public static IoUringAvailability Current => s_current.Value;

    /// <summary>Runs the probe (uncached).</summary>
    internal static IoUringAvailability Run()
    {
        if (!OperatingSystem.IsLinux())
        {
            return IoUringAvailability.Unavailable("io_uring exists only on Linux");
        }
        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return IoUringAvailability.Unavailable($"the io_uring device supports x86-64 and arm64, not {RuntimeInformation.ProcessArchitecture}");
        }
        try
        {
            if (!IoUringRing.TryCreate(4, out IoUringRing? ring, out int errno, out string step))
            {
                string hint = errno switch
                {
                    1 => " (EPERM: blocked by seccomp or kernel.io_uring_disabled)",
                    LibC.Enosys => " (ENOSYS: kernel without io_uring, or a seccomp filter)",
                    12 => " (ENOMEM: locked-memory limit)",
                    _ => "",
                };
                return IoUringAvailability.Unavailable($"{step} failed with errno {errno}{hint}");
            }
            using (ring)
            {
                foreach (byte op in (ReadOnlySpan<byte>)[IoUringConstants.OpWrite, IoUringConstants.OpRead, IoUringConstants.OpFsync])
                {
                    if (!ring!.SupportsOpcode(op))
                    {
                        return IoUringAvailability.Unavailable($"the kernel does not support io_uring opcode {op} (needs Linux 5.6 or later)");
                    }
                }
                Span<int> result = stackalloc int[1];
                ring!.Submit([IoRequest.Nop()], result);
                return result[0] == 0
                    ? IoUringAvailability.Available
                    : IoUringAvailability.Unavailable($"an io_uring no-op completed with {result[0]}");
            }
        }
        catch (Exception e) when (e is IOException or DllNotFoundException or EntryPointNotFoundException)
        {
            return IoUringAvailability.Unavailable($"io_uring probe failed: {e.Message}");
        }
    }
}
