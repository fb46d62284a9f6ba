using Microsoft.Win32.SafeHandles;

namespace Runnel.Storage.IoUring;

/// <summary>
/// Holds a reference on a <see cref="SafeFileHandle"/> while its raw descriptor is in a syscall or in the ring,
/// so a concurrent <see cref="IDisposable.Dispose"/> cannot close (and the process reuse) the number meanwhile.
/// </summary>
internal ref struct FdLease
{
    private readonly SafeFileHandle _handle;
    private bool _added; // mutable: set by DangerousAddRef, cleared on release

    /// <exception cref="ObjectDisposedException">The handle is already closed.</exception>
    public FdLease(SafeFileHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
        Fd = (int)handle.DangerousGetHandle();
    }

    public int Fd { get; }

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
