using Runnel.Security.Audit;
using Runnel.Storage.Io;

namespace Runnel.Security.Tests.Audit;

/// <summary>The audit seam over a storage device (as the server's adapter), so tests can use the fault-injecting device.</summary>
internal sealed class DeviceAuditFiles(IStorageDevice device) : IAuditFiles
{
    public IAuditFile OpenOrCreate(string name) => new File(device.OpenFile(name, create: true));

    public void Delete(string name) => device.DeleteFile(name);

    public IReadOnlyList<string> List() => device.ListFiles();

    public void SyncDirectory() => device.SyncDirectory();

    /// <summary>Every line of every trail file, oldest file first.</summary>
    public List<string> ReadAllLines()
    {
        var lines = new List<string>();
        foreach (string name in List().Where(n => AuditTrail.TryParse(n, out _, out _))
                     .OrderBy(n => AuditTrail.TryParse(n, out _, out long s) ? s : -1))
        {
            lines.AddRange(ReadText(name).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return lines;
    }

    public string ReadText(string name)
    {
        using IStorageFile file = device.OpenFile(name, create: false);
        byte[] bytes = new byte[file.Length];
        file.Read(0, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private sealed class File(IStorageFile inner) : IAuditFile
    {
        public long Length => inner.Length;

        public void Write(long position, ReadOnlySpan<byte> source) => inner.Write(position, source);

        public int Read(long position, Span<byte> destination) => inner.Read(position, destination);

        public void Sync() => inner.Sync();

        public void SetLength(long length) => inner.SetLength(length);

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>Audit files whose syncs wait for the test's permission: a disk as slow as the test wants.</summary>
internal sealed class GatedAuditFiles(IAuditFiles inner) : IAuditFiles, IDisposable
{
    public SemaphoreSlim SyncEntered { get; } = new(0);

    public SemaphoreSlim SyncAllowed { get; } = new(0);

    public IAuditFile OpenOrCreate(string name) => new File(inner.OpenOrCreate(name), this);

    public void Delete(string name) => inner.Delete(name);

    public IReadOnlyList<string> List() => inner.List();

    public void SyncDirectory() => inner.SyncDirectory();

    public void Dispose()
    {
        SyncEntered.Dispose();
        SyncAllowed.Dispose();
    }

    private sealed class File(IAuditFile file, GatedAuditFiles gate) : IAuditFile
    {
        public long Length => file.Length;

        public void Write(long position, ReadOnlySpan<byte> source) => file.Write(position, source);

        public int Read(long position, Span<byte> destination) => file.Read(position, destination);

        public void Sync()
        {
            gate.SyncEntered.Release();
            gate.SyncAllowed.Wait();
            file.Sync();
        }

        public void SetLength(long length) => file.SetLength(length);

        public void Dispose() => file.Dispose();
    }
}
