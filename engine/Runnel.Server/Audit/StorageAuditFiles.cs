using Runnel.Security.Audit;
using Runnel.Storage.Io;

namespace Runnel.Server.Audit;

/// <summary>
/// The audit trail's files on a storage device (<see cref="FileDevice"/>: positional writes and checked
/// <c>fdatasync</c>, as the shard logs). The directory is made readable by its owner only, since the trail holds
/// access key ids and client addresses. Thread-safe as the device.
/// </summary>
internal sealed class StorageAuditFiles : IAuditFiles
{
    private readonly IStorageDevice _device;

    public StorageAuditFiles(IStorageDevice device) => _device = device;

    /// <summary>The trail's directory on the real file system, created owner-only (0700) when missing.</summary>
    public static StorageAuditFiles InDirectory(string path)
    {
        bool existed = Directory.Exists(path);
        var device = new FileDevice(path);
        if (!existed && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(device.DirectoryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new StorageAuditFiles(device);
    }

    public IAuditFile OpenOrCreate(string name) => new AuditFile(_device.OpenFile(name, create: true));

    public void Delete(string name) => _device.DeleteFile(name);

    public IReadOnlyList<string> List() => _device.ListFiles();

    public void SyncDirectory() => _device.SyncDirectory();

    private sealed class AuditFile(IStorageFile file) : IAuditFile
    {
        public long Length => file.Length;

        public void Write(long position, ReadOnlySpan<byte> source) => file.Write(position, source);

        public int Read(long position, Span<byte> destination) => file.Read(position, destination);

        public void Sync() => file.Sync();

        public void SetLength(long length) => file.SetLength(length);

        public void Dispose() => file.Dispose();
    }
}
