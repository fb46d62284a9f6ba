namespace Runnel.Storage;

/// <summary>
/// A device operation failed (a write, a sync, a directory change). After a failed write or sync the log is
/// fail-stopped: it acknowledges nothing more until it is reopened and recovered.
/// </summary>
public sealed class StorageIOException : IOException
{
    public StorageIOException(string message, string? fileName, int errno)
        : base(message) => (FileName, Errno) = (fileName, errno);

    public StorageIOException(string message, string? fileName, int errno, Exception inner)
        : base(message, inner) => (FileName, Errno) = (fileName, errno);

    /// <summary>The file the operation was on, when there was one.</summary>
    public string? FileName { get; }

    /// <summary>The operating system's error number (EIO = 5, ENOSPC = 28), or 0 when unknown.</summary>
    public int Errno { get; }
}
