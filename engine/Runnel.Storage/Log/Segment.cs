using Runnel.Storage.Index;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// One segment file of a <see cref="ShardLog"/> and what is known about it: where its committed data ends, its
/// sequence range, its newest arrival time and its sparse index.
/// </summary>
/// <remarks>
/// Single writer (the log's committing thread) publishes <see cref="CommittedEnd"/> last, with a release write,
/// after the index entries and <see cref="NextSequence"/>; readers read it first (acquire), so everything below
/// the end they see is durable, indexed and theirs to read. A sealed segment never changes again.
/// </remarks>
internal sealed class Segment : IDisposable
{
    private long _committedEnd;
    private ulong _nextSequence;
    private long _lastTimestampMs;
    private volatile bool _sealed;

    public Segment(IStorageFile file, ulong baseSequence, long createdMs, SparseIndex index)
    {
        File = file;
        BaseSequence = baseSequence;
        CreatedMs = createdMs;
        Index = index;
        _committedEnd = SegmentDescriptor.HeaderLength;
        _nextSequence = baseSequence;
        _lastTimestampMs = long.MinValue;
    }

    public IStorageFile File { get; }

    public ulong BaseSequence { get; }

    public long CreatedMs { get; }

    public SparseIndex Index { get; }

    public string FileName => File.Name;

    /// <summary>The byte just past the last durable, acknowledged frame.</summary>
    public long CommittedEnd => Volatile.Read(ref _committedEnd);

    /// <summary>One past the last committed record's sequence.</summary>
    public ulong NextSequence => Volatile.Read(ref _nextSequence);

    /// <summary>The newest committed record's arrival time (<see cref="long.MinValue"/> when empty).</summary>
    public long LastTimestampMs => Volatile.Read(ref _lastTimestampMs);

    public bool IsSealed => _sealed;

    public bool IsEmpty => NextSequence == BaseSequence;

    /// <summary>Makes frames up to <paramref name="end"/> visible (single writer; index entries added before).</summary>
    public void Publish(long end, ulong nextSequence, long lastTimestampMs)
    {
        Volatile.Write(ref _nextSequence, nextSequence);
        Volatile.Write(ref _lastTimestampMs, lastTimestampMs);
        Volatile.Write(ref _committedEnd, end);
    }

    public void Seal() => _sealed = true;

    public void Dispose() => File.Dispose();
}
