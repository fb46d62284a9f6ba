namespace Runnel.Storage.IoUring;

/// <summary>What the io_uring probe found: usable, or not and why (errno and step, e.g. seccomp's EPERM).</summary>
public readonly record struct IoUringAvailability(bool IsAvailable, string Reason)
{
    public static IoUringAvailability Available { get; } = new(true, "io_uring is usable");

    public static IoUringAvailability Unavailable(string reason) => new(false, reason);
}
