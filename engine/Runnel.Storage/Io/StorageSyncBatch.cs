namespace Runnel.Storage.Io;

/// <summary>
/// One durability barrier over files of any devices: files of the same <see cref="IStorageSyncGroup"/> are synced
/// together by it (one barrier per group), files without a group each by their own <see cref="IStorageFile.Sync"/>.
/// Reusable: its buffers grow to the largest batch and are kept, so a steady batch size allocates nothing.
/// </summary>
/// <remarks>Not thread-safe: one per commit loop.</remarks>
public sealed class StorageSyncBatch
{
    private IStorageFile[] _files = new IStorageFile[16];
    private Exception?[] _errors = new Exception?[16];
    private int[] _indexes = new int[16];
    private bool[] _done = new bool[16];
    private IStorageFile[] _groupFiles = new IStorageFile[16];
    private Exception?[] _groupErrors = new Exception?[16];
    private int _count;

    /// <summary>The number of files added since the last <see cref="Clear"/>.</summary>
    public int Count => _count;

    /// <summary>Adds a file to the barrier; returns its index for <see cref="ErrorAt"/>.</summary>
    public int Add(IStorageFile file)
    {
        if (_count == _files.Length)
        {
            Array.Resize(ref _files, _count * 2);
            Array.Resize(ref _errors, _count * 2);
            Array.Resize(ref _indexes, _count * 2);
            Array.Resize(ref _done, _count * 2);
            Array.Resize(ref _groupFiles, _count * 2);
            Array.Resize(ref _groupErrors, _count * 2);
        }
        _files[_count] = file;
        _errors[_count] = null;
        return _count++;
    }

    /// <summary>The failure of file <paramref name="index"/> in the last <see cref="SyncAll"/>, or null.</summary>
    public Exception? ErrorAt(int index) => _errors[index];

    /// <summary>Forgets the files (the buffers are kept).</summary>
    public void Clear()
    {
        Array.Clear(_files, 0, _count);
        Array.Clear(_errors, 0, _count);
        _count = 0;
    }

    /// <summary>Syncs every added file: one barrier per sync group, each file without a group on its own.</summary>
    public void SyncAll()
    {
        int count = _count;
        Array.Clear(_done, 0, count);
        for (int i = 0; i < count; i++)
        {
            if (_done[i])
            {
                continue;
            }
            IStorageSyncGroup? group = _files[i].SyncGroup;
            if (group is null)
            {
                _done[i] = true;
                try
                {
                    _files[i].Sync();
                }
                catch (Exception e)
                {
                    _errors[i] = e;
                }
                continue;
            }
            // Gather the group's files at the front of the scratch arrays, keeping where each came from.
            int members = 0;
            for (int j = i; j < count; j++)
            {
                if (!_done[j] && ReferenceEquals(_files[j].SyncGroup, group))
                {
                    _done[j] = true;
                    _indexes[members++] = j;
                }
            }
            SyncGroup(group, members);
        }
    }

    private void SyncGroup(IStorageSyncGroup group, int members)
    {
        IStorageFile[] groupFiles = _groupFiles;
        Exception?[] groupErrors = _groupErrors;
        for (int k = 0; k < members; k++)
        {
            groupFiles[k] = _files[_indexes[k]];
            groupErrors[k] = null;
        }
        try
        {
            group.SyncAll(groupFiles.AsSpan(0, members), groupErrors.AsSpan(0, members));
        }
        catch (Exception e)
        {
            // The group itself failed: whether any of its syncs ran is unknown, so none counts.
            groupErrors.AsSpan(0, members).Fill(e);
        }
        for (int k = 0; k < members; k++)
        {
            _errors[_indexes[k]] = groupErrors[k];
        }
        Array.Clear(groupFiles, 0, members);
        Array.Clear(groupErrors, 0, members);
    }
}
