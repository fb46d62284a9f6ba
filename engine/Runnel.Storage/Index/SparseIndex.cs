namespace Runnel.Storage.Index;

/// <summary>
/// The sparse index of one segment: an entry for the first frame and then for the first frame at least
/// <c>interval</c> bytes past the previous entry. It serves both lookups, by sequence and by arrival time, because
/// the log keeps both non-decreasing along the file.
/// </summary>
/// <remarks>
/// Single writer (the committing thread), many readers, no lock. The writer stores an entry into the array (a new,
/// larger copy when full), publishes the array, then publishes the count with <see cref="Volatile.Write(ref int, int)"/>.
/// A reader reads the count first (acquire) and then the array, so it never sees a count larger than its array.
/// </remarks>
public sealed class SparseIndex
{
    private IndexEntry[] _entries = new IndexEntry[16]; // replaced when it grows
    private int _count;

    /// <summary>The number of entries.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The byte position of the last entry, or -1 when empty.</summary>
    public long LastPosition { get; private set; } = -1;

    /// <summary>Appends an entry (single writer). Entries must increase in sequence and position.</summary>
    public void Add(IndexEntry entry)
    {
        int count = _count;
        IndexEntry[] entries = _entries;
        if (count == entries.Length)
        {
            Array.Resize(ref entries, count * 2);
        }
        entries[count] = entry;
        Volatile.Write(ref _entries, entries);
        Volatile.Write(ref _count, count + 1);
        LastPosition = entry.Position;
    }

    /// <summary>A stable copy of the entries (for writing the index file).</summary>
    public ReadOnlySpan<IndexEntry> Snapshot()
    {
        int count = Volatile.Read(ref _count);
        return Volatile.Read(ref _entries).AsSpan(0, count);
    }

    /// <summary>The last entry whose sequence is at most <paramref name="sequence"/>; false when none is.</summary>
    public bool TryFloorBySequence(ulong sequence, out IndexEntry entry)
    {
        ReadOnlySpan<IndexEntry> entries = Snapshot();
        int lo = 0;
        int hi = entries.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (entries[mid].Sequence <= sequence)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        entry = found >= 0 ? entries[found] : default;
        return found >= 0;
    }

    /// <summary>The last entry that arrived strictly before <paramref name="timestampMs"/>; false when none did.</summary>
    public bool TryLastBeforeTimestamp(long timestampMs, out IndexEntry entry)
    {
        ReadOnlySpan<IndexEntry> entries = Snapshot();
        int lo = 0;
        int hi = entries.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (entries[mid].TimestampMs < timestampMs)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        entry = found >= 0 ? entries[found] : default;
        return found >= 0;
    }
}
