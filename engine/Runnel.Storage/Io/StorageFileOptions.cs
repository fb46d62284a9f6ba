namespace Runnel.Storage.Io;

/// <summary>How a file opened through <see cref="IStorageDevice.OpenFile(string, bool, StorageFileOptions)"/> will be used.</summary>
[Flags]
public enum StorageFileOptions
{
    /// <summary>No hint: the file is written as it is asked to be.</summary>
    None = 0,

    /// <summary>
    /// The file is appended to and synced after every append (a log segment): the device may write zeros ahead of
    /// its end so that the syncs that follow have no size or extent change to journal (see
    /// <see cref="PrewrittenTailOptions"/>). <see cref="IStorageFile.Length"/> and reads still stop at the data's
    /// end; <see cref="IStorageFile.SetLength"/> and <see cref="IDisposable.Dispose"/> cut the zeros off. After a
    /// crash the file may end in zeros past its data, which the reopening side must cut. Devices that do not
    /// pre-write ignore it.
    /// </summary>
    PrewrittenTail = 1,

    /// <summary>
    /// The file is read front to back (a log segment that consumers scan): the device may tell the kernel so
    /// (<c>posix_fadvise(POSIX_FADV_SEQUENTIAL)</c>, which doubles the file's read-ahead window), so that a cold scan
    /// keeps the disk busy while the reader checks what it has. A hint only: it changes no result, and devices
    /// without a page cache ignore it.
    /// </summary>
    SequentialReads = 2,
}
