using Runnel.Storage.Io;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// One file of a <see cref="CountingStorageDevice"/>. A <c>WriteAndSync</c> on a segment file is a group commit (the
/// checkpoint's is counted as a sync); it goes to the inner file's own, so io_uring keeps its linked write + fdatasync.
/// </summary>
public sealed class CountingStorageFile(IStorageFile inner, CommitCounter counter) : IStorageFile
{
    private readonly bool _segment = inner.Name.EndsWith(Runnel.Storage.Log.SegmentDescriptor.Extension, StringComparison.Ordinal);

    public string Name => inner.Name;

    public long Length => inner.Length;

    public void Write(long position, ReadOnlySpan<byte> source) => inner.Write(position, source);

    public int Read(long position, Span<byte> destination) => inner.Read(position, destination);

    public void Sync()
    {
        counter.Sync();
        inner.Sync();
    }

    public void WriteAndSync(long position, ReadOnlySpan<byte> source)
    {
        if (_segment)
        {
            counter.Commit();
        }
        else
        {
            counter.Sync();
        }
        inner.WriteAndSync(position, source);
    }

    public void SetLength(long length) => inner.SetLength(length);

    public void Dispose() => inner.Dispose();
}
