using Runnel.Storage.Catalog;
using Runnel.Storage.Concurrency;
using Runnel.Storage.Index;
using Runnel.Storage.Io;

namespace Runnel.Storage.Log;

/// <summary>
/// The append-only log of one shard: segment files of frames, their sparse indexes, a checkpoint holding the
/// committed position, recovery on open, group commit, reads from any position, and retention.
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="Open"/> recovers the directory (cutting only an unacknowledged torn tail, reporting any
/// damage below the committed position as <see cref="LogCorruptionException"/>), then the log takes appends and
/// reads until <see cref="Dispose"/>.</para>
/// <para>Durability: an append completes only after its frame was written, <c>fdatasync</c>ed, and the checkpoint
/// recording it was written and synced. A failed write or sync fail-stops the log: nothing after is acknowledged.</para>
/// <para>Immutability: frames are never rewritten; the only way records leave is retention dropping a whole segment
/// whose newest record is older than the retention period.</para>
/// <para>Threads: appends and reads from any number of threads. Appends go through a lock-free ring to one writer at
/// a time (see the append side, ShardLog.Append.cs, and <see cref="MpscRing"/>); one commit runs at a time (the
/// committing thread is the single writer of every file); readers see only committed frames.</para>
/// </remarks>
public sealed partial class ShardLog : ILogAppender, IDisposable
{
    private readonly IStorageDevice _device;
    private readonly ShardLogOptions _options;
    private readonly TimeProvider _time;

    // Serialises device I/O: commits, segment rolls, retention. Appends never take it.
    private readonly Lock _commitLock = new();

    private IStorageFile? _checkpointFile;
    private ulong _checkpointGeneration;

    // Copy-on-write list of segments, oldest first; readers take a snapshot with Volatile.Read.
    private Segment[] _segments = [];

    // The segment commits go to; null when there is none (new log, or retention removed it).
    private Segment? _active;

    private ulong _committedNextSequence;
    private long _committedLastTimestampMs;

    private ShardLog(IStorageDevice device, ShardLogOptions options, TimeProvider time)
    {
        _device = device;
        _options = options;
        _time = time;
        _ring = new MpscRing(RingCapacity(options), RingFullPolicy.Reject);
        _loop = options.Committer?.Assign();
        _writer = _loop is null ? new WriterWorkItem(this) : null;
    }

    /// <summary>Opens and recovers the log stored on <paramref name="device"/> (an empty device makes a new log).</summary>
    /// <exception cref="LogCorruptionException">Acknowledged data is damaged; the log does not open.</exception>
    public static ShardLog Open(IStorageDevice device, ShardLogOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        options ??= new ShardLogOptions();
        options.Validate();
        var log = new ShardLog(device, options, time ?? TimeProvider.System);
        try
        {
            log.Recover();
        }
        catch
        {
            log.CloseFiles();
            throw;
        }
        return log;
    }

    /// <summary>The options the log was opened with.</summary>
    public ShardLogOptions Options => _options;

    /// <summary>One past the sequence of the newest committed (durable, readable) record.</summary>
    public ulong CommittedNextSequence => Volatile.Read(ref _committedNextSequence);

    /// <summary>Arrival time of the newest committed record (<see cref="long.MinValue"/> when there is none).</summary>
    public long LastTimestampMs => Volatile.Read(ref _committedLastTimestampMs);

    /// <summary>The sequence of the oldest record still kept (equal to <see cref="CommittedNextSequence"/> when empty).</summary>
    public ulong TrimHorizonSequence
    {
        get
        {
            Segment[] segments = Volatile.Read(ref _segments);
            return segments.Length == 0 ? CommittedNextSequence : segments[0].BaseSequence;
        }
    }

    /// <summary>The number of segment files.</summary>
    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>Whether the log has fail-stopped after a device error.</summary>
    public bool IsFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>
    /// Removes every segment whose newest record is older than the retention period (the active segment too, when
    /// all of it has expired). Returns the number of segments removed. Safe to call at any time.
    /// <paramref name="retention"/> overrides the configured period (a stream's retention can change while open).
    /// </summary>
    public int EnforceRetention(TimeSpan? retention = null)
    {
        lock (_commitLock)
        {
            ThrowIfFailed();
            long cutoff = NowMs() - (long)(retention ?? _options.Retention).TotalMilliseconds;
            int removed = 0;
            while (true)
            {
                Segment[] segments = Volatile.Read(ref _segments);
                if (segments.Length == 0)
                {
                    break;
                }
                Segment oldest = segments[0];
                if (oldest.IsEmpty || oldest.LastTimestampMs >= cutoff)
                {
                    break;
                }
                if (ReferenceEquals(oldest, _active))
                {
                    // The whole active segment expired. Record first that nothing is committed in any segment, so
                    // that recovery never looks for the file about to go.
                    RunFailStop(() => WriteCheckpoint(CommittedNextSequence, 0, CommittedNextSequence, LastTimestampMs));
                    _active = null;
                }
                Volatile.Write(ref _segments, segments[1..]);
                RunFailStop(() =>
                {
                    _device.DeleteFile(oldest.FileName);
                    string index = IndexFileDescriptor.FileName(oldest.BaseSequence);
                    if (_device.FileExists(index))
                    {
                        _device.DeleteFile(index);
                    }
                    _device.SyncDirectory();
                });
                oldest.Dispose();
                removed++;
            }
            return removed;
        }
    }

    /// <summary>Waits for commits in flight, then closes the files. Appends after this fail.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        // Every record claimed before this point is taken by the writer and answered; wait for that. A producer
        // that passed the closed check just before it may still claim after: the writer answers it with
        // "The log is closed." once the files are closed (checked under the commit lock).
        var spin = new SpinWait();
        while (Volatile.Read(ref _donePosition) < _ring.TailPosition)
        {
            spin.SpinOnce(sleep1Threshold: 20);
        }
        lock (_commitLock)
        {
            _filesClosed = true;
            CloseFiles();
        }
    }

    private void CloseFiles()
    {
        foreach (Segment segment in Volatile.Read(ref _segments))
        {
            segment.Dispose();
        }
        _checkpointFile?.Dispose();
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void WriteCheckpoint(ulong segmentBase, long committedPosition, ulong nextSequence, long lastTimestampMs)
        => _checkpointGeneration = WriteCheckpointSlot(segmentBase, committedPosition, nextSequence, lastTimestampMs, sync: true);

    /// <summary>
    /// Writes the next checkpoint slot (and syncs it when <paramref name="sync"/> is set) and returns its generation;
    /// the caller makes it the current one once it is durable.
    /// </summary>
    private ulong WriteCheckpointSlot(ulong segmentBase, long committedPosition, ulong nextSequence, long lastTimestampMs, bool sync)
    {
        ulong generation = _checkpointGeneration + 1;
        Span<byte> slot = stackalloc byte[CheckpointDescriptor.SlotLength];
        CheckpointDescriptor.Write(slot, new Checkpoint(generation, segmentBase, committedPosition, nextSequence, lastTimestampMs));
        IStorageFile file = _checkpointFile!;
        if (sync)
        {
            file.WriteAndSync(CheckpointDescriptor.SlotOffset(generation), slot);
        }
        else
        {
            file.Write(CheckpointDescriptor.SlotOffset(generation), slot);
        }
        return generation;
    }

    /// <summary>Writes a sealed segment's index file (temporary name, sync, rename, directory sync) and seals it.</summary>
    private void Seal(Segment segment)
    {
        ReadOnlySpan<IndexEntry> entries = segment.Index.Snapshot();
        var info = new SealedSegmentInfo(segment.BaseSequence, segment.NextSequence, segment.CommittedEnd, segment.LastTimestampMs);
        byte[] bytes = new byte[IndexFileDescriptor.Length(entries.Length)];
        IndexFileDescriptor.Write(bytes, info, entries);
        string name = IndexFileDescriptor.FileName(segment.BaseSequence);
        string temporary = name + ".tmp";
        using (IStorageFile file = _device.OpenFile(temporary, create: true))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            file.Sync();
        }
        _device.RenameFile(temporary, name);
        _device.SyncDirectory();
        segment.Seal();
    }
}
