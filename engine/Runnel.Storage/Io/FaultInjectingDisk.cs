namespace Runnel.Storage.Io;

/// <summary>
/// A whole simulated disk: a tree of directories and files in memory, one power switch, one operation counter and
/// one set of injected faults, shared by every <see cref="FaultInjectingDevice"/> opened on it. The whole-engine
/// power-loss and bit-rot properties run a <c>StreamEngine</c> on one disk so that a single power cut hits the
/// catalog, every shard log and every directory at the same moment.
/// </summary>
/// <remarks>
/// <para>Files: each has a durable image (as of its last successful sync) and the writes and truncations made
/// since. At <see cref="PowerLoss"/> each file keeps a seed-chosen part of them: none, an ordered prefix whose last
/// write is torn at a random byte, or each 512-byte sector of each write kept or lost independently.</para>
/// <para>Directory entries: every directory has a current name table and a durable one (as of its last
/// <see cref="SyncDirectory"/>). A create, rename or delete of a file or of a subdirectory changes only the current
/// table: at power loss an unsynced create is undone (the file or directory vanishes with all it holds), an unsynced
/// delete is undone (it comes back with its durable contents), an unsynced rename is undone (both names as they
/// were). A directory whose own entry was never made durable loses everything in it.</para>
/// <para>Misdirected writes (<see cref="MisdirectWrite"/>): one write, reported successful, lands at a wrong
/// 4 KiB-aligned offset of the same file or nowhere at all; the process sees what the disk holds (as after the
/// page cache drops the page), so both the running engine and a restart meet the damage.</para>
/// <para>Paths are relative, '/'-separated; "" is the root. Thread-safe (one lock).</para>
/// </remarks>
public sealed class FaultInjectingDisk
{
    /// <summary>EIO, the error a failing disk reports.</summary>
    public const int Eio = 5;

    /// <summary>ENOSPC, a full file system.</summary>
    public const int Enospc = 28;

    /// <summary>ENOENT: no such file or directory.</summary>
    public const int Enoent = 2;

    /// <summary>The alignment of a misdirected write's displacement.</summary>
    public const int MisdirectionAlignment = 4096;

    private const int SectorSize = 512;

    private readonly Lock _lock = new();
    private SimDirectory _root = new(); // replaced on power loss
    private int _epoch;
    private long _operations;
    private long? _misdirectAt;
    private MisdirectionKind _misdirectKind;
    private Random? _misdirectRandom;

    /// <summary>The kinds of misdirected write.</summary>
    public enum MisdirectionKind
    {
        /// <summary>The write lands at a different 4 KiB-aligned offset of the same file.</summary>
        WrongOffset,

        /// <summary>The write is reported successful and lands nowhere.</summary>
        Lost,
    }

    /// <summary>The lock every device and handle of this disk takes.</summary>
    internal Lock Sync => _lock;

    internal int Epoch => _epoch;

    /// <summary>The number of operations (writes, syncs, truncations, directory changes) so far.</summary>
    public long Operations
    {
        get
        {
            lock (_lock)
            {
                return _operations;
            }
        }
    }

    /// <summary>After this many operations the power goes off: every later call fails with EIO. Null: never.</summary>
    public long? PowerOffAfter { get; set; }

    /// <summary>Whether the power is off (see <see cref="PowerOffAfter"/>).</summary>
    public bool IsPoweredOff { get; private set; }

    /// <summary>The operation the power went off at ("write catalog/catalog.json.tmp"), or null.</summary>
    public string? PowerCutAt { get; private set; }

    /// <summary>The write that was misdirected ("write streams/a-1/shard-000000000000/0001.seg at 8192 -> 4096"), or null.</summary>
    public string? MisdirectedWrite { get; private set; }

    /// <summary>The next file sync fails with EIO and keeps nothing of the unsynced writes (as Linux may drop them).</summary>
    public bool FailNextSync { get; set; }

    /// <summary>Every file sync from now on fails with EIO.</summary>
    public bool FailAllSyncs { get; set; }

    /// <summary>The next write fails with this errno (<see cref="Eio"/> or <see cref="Enospc"/>) after landing half its bytes.</summary>
    public int? FailNextWriteWith { get; set; }

    /// <summary>A device on the directory at <paramref name="path"/> (which need not exist yet).</summary>
    public FaultInjectingDevice Device(string path) => new(this, Normalise(path));

    /// <summary>Creates the directory and any missing parent; each new entry is durable only after its parent is synced.</summary>
    public void CreateDirectory(string path)
    {
        lock (_lock)
        {
            CheckPower();
            SimDirectory current = _root;
            foreach (string part in Split(path))
            {
                if (!current.Current.TryGetValue(part, out object? node))
                {
                    Count($"mkdir {part}");
                    node = new SimDirectory();
                    current.Current.Add(part, node);
                }
                current = node as SimDirectory ?? throw new StorageIOException($"{part} is a file, not a directory.", part, 20);
            }
        }
    }

    /// <summary>Whether the directory exists now.</summary>
    public bool DirectoryExists(string path)
    {
        lock (_lock)
        {
            CheckPower();
            return TryResolve(path) is not null;
        }
    }

    /// <summary>Removes a directory and everything in it from its parent; durable after the parent is synced.</summary>
    public void DeleteDirectory(string path)
    {
        lock (_lock)
        {
            CheckPower();
            string[] parts = Split(path);
            if (parts.Length == 0)
            {
                throw new ArgumentException("The root cannot be deleted.", nameof(path));
            }
            SimDirectory? parent = TryResolve(string.Join('/', parts[..^1]));
            if (parent is not null && parent.Current.TryGetValue(parts[^1], out object? node) && node is SimDirectory)
            {
                Count($"rmdir {path}");
                parent.Current.Remove(parts[^1]);
            }
        }
    }

    /// <summary>Makes the entries of the directory at <paramref name="path"/> durable (fsync of the directory).</summary>
    public void SyncDirectory(string path)
    {
        lock (_lock)
        {
            CheckPower();
            SimDirectory directory = Resolve(path);
            Count($"fsync-dir {path}");
            if (IsPoweredOff)
            {
                throw new StorageIOException("The device has lost power.", path, Eio);
            }
            directory.Durable = new Dictionary<string, object>(directory.Current, StringComparer.Ordinal);
        }
    }

    /// <summary>Cuts the power now: every later call fails with EIO until <see cref="PowerLoss"/>.</summary>
    public void CutPower()
    {
        lock (_lock)
        {
            if (!IsPoweredOff)
            {
                IsPoweredOff = true;
                PowerCutAt = "between operations";
            }
        }
    }

    /// <summary>
    /// Arms one misdirected write: the first file write counted at or after operation <paramref name="atOperation"/>
    /// is reported successful but lands at a wrong 4 KiB-aligned offset or nowhere (<paramref name="kind"/>).
    /// </summary>
    public void MisdirectWrite(long atOperation, MisdirectionKind kind, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_lock)
        {
            _misdirectAt = atOperation;
            _misdirectKind = kind;
            _misdirectRandom = random;
        }
    }

    /// <summary>
    /// Simulates a power loss and restart: every directory becomes its durable name table, every file its durable
    /// image plus a part of its unsynced operations chosen by <paramref name="random"/>, and the power comes back on.
    /// Handles and devices keep working on the new state, except handles opened before, which stay dead.
    /// </summary>
    public void PowerLoss(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_lock)
        {
            var rebuilt = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
            _root = Rebuild(_root, random, rebuilt);
            _epoch++;
            IsPoweredOff = false;
            PowerOffAfter = null;
            PowerCutAt = null;
            FailNextSync = false;
            FailAllSyncs = false;
            FailNextWriteWith = null;
            _misdirectAt = null;
        }
    }

    /// <summary>Flips one bit of a file's durable (and current) contents: bit rot on the platter.</summary>
    public void FlipBit(string path, long bitIndex)
    {
        lock (_lock)
        {
            string[] parts = Split(path);
            SimDirectory directory = Resolve(string.Join('/', parts[..^1]));
            ((SimFile)directory.Current[parts[^1]]).FlipBit(bitIndex);
        }
    }

    /// <summary>Every file that exists now, by path, with its current length.</summary>
    public IReadOnlyList<(string Path, long Length)> ListAllFiles()
    {
        lock (_lock)
        {
            var files = new List<(string, long)>();
            Collect(_root, "", files);
            files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return files;
        }
    }

    internal static string Normalise(string path) => string.Join('/', Split(path));

    internal SimDirectory Resolve(string path)
        => TryResolve(path) ?? throw new StorageIOException($"The directory {path} does not exist.", path, Enoent);

    internal SimDirectory? TryResolve(string path)
    {
        SimDirectory current = _root;
        foreach (string part in Split(path))
        {
            if (!current.Current.TryGetValue(part, out object? node) || node is not SimDirectory directory)
            {
                return null;
            }
            current = directory;
        }
        return current;
    }

    internal void CheckPower()
    {
        if (IsPoweredOff)
        {
            throw new StorageIOException("The device has lost power.", null, Eio);
        }
    }

    internal void CheckHandle(int epoch, string name)
    {
        CheckPower();
        if (epoch != _epoch)
        {
            throw new StorageIOException($"{name} was opened before a power loss.", name, Eio);
        }
    }

    /// <summary>Counts one operation; the one that reaches <see cref="PowerOffAfter"/> is the last.</summary>
    internal void Count(string what)
    {
        _operations++;
        if (PowerOffAfter is { } limit && _operations >= limit && !IsPoweredOff)
        {
            IsPoweredOff = true;
            PowerCutAt = what;
        }
    }

    /// <summary>Whether the write just counted is the armed misdirected one; if so, where it lands (null: nowhere).</summary>
    internal bool TryMisdirect(string path, long position, int length, long fileLength, out long? landing)
    {
        landing = null;
        if (_misdirectAt is not { } at || _operations < at || length == 0)
        {
            return false;
        }
        _misdirectAt = null;
        if (_misdirectKind == MisdirectionKind.Lost)
        {
            MisdirectedWrite = $"write {path} of {length} bytes at {position} lost";
            return true;
        }
        Random random = _misdirectRandom!;
        long shift = MisdirectionAlignment * (long)random.Next(1, 5);
        long extent = Math.Max(fileLength, position + length);
        long target = position - shift >= 0 && (random.Next(2) == 0 || position + shift > extent) ? position - shift : position + shift;
        landing = target;
        MisdirectedWrite = $"write {path} of {length} bytes at {position} landed at {target}";
        return true;
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static SimDirectory Rebuild(SimDirectory directory, Random random, Dictionary<object, object> rebuilt)
    {
        var survivor = new SimDirectory();
        foreach ((string name, object node) in directory.Durable.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!rebuilt.TryGetValue(node, out object? image))
            {
                image = node is SimFile file ? file.Survive(random) : Rebuild((SimDirectory)node, random, rebuilt);
                rebuilt.Add(node, image);
            }
            survivor.Current.Add(name, image);
        }
        survivor.Durable = new Dictionary<string, object>(survivor.Current, StringComparer.Ordinal);
        return survivor;
    }

    private static void Collect(SimDirectory directory, string prefix, List<(string, long)> files)
    {
        foreach ((string name, object node) in directory.Current)
        {
            string path = prefix.Length == 0 ? name : prefix + "/" + name;
            if (node is SimFile file)
            {
                files.Add((path, file.Length));
            }
            else
            {
                Collect((SimDirectory)node, path, files);
            }
        }
    }

    /// <summary>One simulated directory: its entries now and as of its last sync (values: SimFile or SimDirectory).</summary>
    internal sealed class SimDirectory
    {
        public Dictionary<string, object> Current { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object> Durable { get; set; } = new(StringComparer.Ordinal);
    }

    /// <summary>One simulated file: its current bytes, its durable bytes and the operations since the last sync.</summary>
    internal sealed class SimFile
    {
        private readonly List<Operation> _pending = [];
        private byte[] _current = [];  // replaced on growth
        private byte[] _durable = [];  // replaced on sync
        private long _length;
        private long _durableLength;

        public long Length => _length;

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            Apply(ref _current, ref _length, position, source);
            _pending.Add(new Operation(position, source.ToArray(), -1));
        }

        public int Read(long position, Span<byte> destination)
        {
            if (position >= _length)
            {
                return 0;
            }
            int count = (int)Math.Min(destination.Length, _length - position);
            _current.AsSpan((int)position, count).CopyTo(destination);
            return count;
        }

        public void SetLength(long length)
        {
            Truncate(ref _current, ref _length, length);
            _pending.Add(new Operation(0, [], length));
        }

        public void Sync()
        {
            _durable = _current.AsSpan(0, (int)_length).ToArray();
            _durableLength = _length;
            _pending.Clear();
        }

        /// <summary>A failed sync: Linux may drop the dirty pages, so the unsynced writes are gone.</summary>
        public void DropUnsynced()
        {
            _current = (byte[])_durable.Clone();
            _length = _durableLength;
            _pending.Clear();
        }

        public void FlipBit(long bitIndex)
        {
            int index = (int)(bitIndex / 8);
            byte mask = (byte)(1 << (int)(bitIndex % 8));
            if (index < _durableLength)
            {
                _durable[index] ^= mask;
            }
            if (index < _length)
            {
                _current[index] ^= mask;
            }
        }

        public SimFile Survive(Random random)
        {
            byte[] bytes = (byte[])_durable.Clone();
            long length = _durableLength;
            int mode = _pending.Count == 0 ? 0 : random.Next(3);
            if (mode == 1)
            {
                int keep = random.Next(_pending.Count + 1);
                for (int i = 0; i < keep; i++)
                {
                    Operation op = _pending[i];
                    if (i == keep - 1 && op.Truncate < 0 && op.Data.Length > 0)
                    {
                        int torn = random.Next(op.Data.Length + 1);
                        Apply(ref bytes, ref length, op.Position, op.Data.AsSpan(0, torn));
                    }
                    else
                    {
                        ApplyOperation(ref bytes, ref length, op);
                    }
                }
            }
            else if (mode == 2)
            {
                foreach (Operation op in _pending)
                {
                    if (op.Truncate >= 0)
                    {
                        if (random.Next(2) == 0)
                        {
                            Truncate(ref bytes, ref length, op.Truncate);
                        }
                        continue;
                    }
                    long start = op.Position;
                    long end = op.Position + op.Data.Length;
                    for (long sector = start - (start % SectorSize); sector < end; sector += SectorSize)
                    {
                        long from = Math.Max(sector, start);
                        long to = Math.Min(sector + SectorSize, end);
                        if (random.Next(2) == 0)
                        {
                            Apply(ref bytes, ref length, from, op.Data.AsSpan((int)(from - start), (int)(to - from)));
                        }
                    }
                }
            }
            return new SimFile
            {
                _current = bytes,
                _length = length,
                _durable = bytes.AsSpan(0, (int)length).ToArray(),
                _durableLength = length,
            };
        }

        private static void ApplyOperation(ref byte[] bytes, ref long length, Operation op)
        {
            if (op.Truncate >= 0)
            {
                Truncate(ref bytes, ref length, op.Truncate);
            }
            else
            {
                Apply(ref bytes, ref length, op.Position, op.Data);
            }
        }

        private static void Apply(ref byte[] bytes, ref long length, long position, ReadOnlySpan<byte> source)
        {
            long end = position + source.Length;
            if (end > bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Max(end, bytes.Length * 2L));
            }
            if (position > length)
            {
                bytes.AsSpan((int)length, (int)(position - length)).Clear(); // a hole reads as zeros
            }
            source.CopyTo(bytes.AsSpan((int)position));
            length = Math.Max(length, end);
        }

        private static void Truncate(ref byte[] bytes, ref long length, long newLength)
        {
            if (newLength > bytes.Length)
            {
                Array.Resize(ref bytes, (int)newLength);
            }
            if (newLength < length)
            {
                bytes.AsSpan((int)newLength, (int)(length - newLength)).Clear();
            }
            else
            {
                bytes.AsSpan((int)length, (int)(newLength - length)).Clear();
            }
            length = newLength;
        }

        private readonly record struct Operation(long Position, byte[] Data, long Truncate);
    }
}
