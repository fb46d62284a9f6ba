namespace Runnel.Storage.Io;

/// <summary>
/// An in-memory <see cref="IStorageDevice"/> that models what a disk keeps through a power loss, and injects faults:
/// failed writes (EIO, ENOSPC), failed syncs (EIO), power loss after a chosen number of operations, and bit flips
/// in durable data. Used by the crash and power-loss property tests and by the reliability harness.
/// </summary>
/// <remarks>
/// Model: each file has a durable image (what survived the last successful <see cref="IStorageFile.Sync"/>) and
/// the list of writes and truncations made since. The directory has a durable name table (as of the last
/// <see cref="SyncDirectory"/>). <see cref="PowerLoss"/> rebuilds every file from its durable image plus a
/// seed-chosen part of its unsynced operations: none, an ordered prefix whose last write is torn at a random
/// byte, or every 512-byte sector of every write kept or lost independently (the page cache writes back in any
/// order). Files created since the last directory sync vanish; files deleted since reappear.
/// Once <see cref="PowerOffAfter"/> operations have run, every further call throws, as a dead disk would; handles
/// opened before a power loss stay dead after it. Thread-safe (one lock).
/// </remarks>
public sealed class FaultInjectingDevice : IStorageDevice
{
    /// <summary>EIO, the error a failing disk reports.</summary>
    public const int Eio = 5;

    /// <summary>ENOSPC, a full file system.</summary>
    public const int Enospc = 28;

    private const int SectorSize = 512;

    private readonly Lock _sync = new();
    private Dictionary<string, SimFile> _names = new(StringComparer.Ordinal);        // replaced on power loss
    private Dictionary<string, SimFile> _durableNames = new(StringComparer.Ordinal); // replaced on power loss
    private int _epoch;
    private long _operations;

    /// <summary>The number of device operations (writes, syncs, truncations, directory changes) so far.</summary>
    public long Operations
    {
        get
        {
            lock (_sync)
            {
                return _operations;
            }
        }
    }

    /// <summary>After this many operations the power goes off: every later call fails with EIO. Null: never.</summary>
    public long? PowerOffAfter { get; set; }

    /// <summary>Whether the power is off (see <see cref="PowerOffAfter"/>).</summary>
    public bool IsPoweredOff { get; private set; }

    /// <summary>The next file sync fails with EIO and keeps nothing of the unsynced writes (as Linux may drop them).</summary>
    public bool FailNextSync { get; set; }

    /// <summary>Every file sync from now on fails with EIO.</summary>
    public bool FailAllSyncs { get; set; }

    /// <summary>The next write fails with this errno (<see cref="Eio"/> or <see cref="Enospc"/>) after landing half its bytes.</summary>
    public int? FailNextWriteWith { get; set; }

    public IStorageFile OpenFile(string name, bool create)
    {
        lock (_sync)
        {
            CheckPower();
            if (!_names.TryGetValue(name, out SimFile? file))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"{name} does not exist.", name);
                }
                file = new SimFile();
                _names.Add(name, file);
                Count();
            }
            return new Handle(this, name, file, _epoch);
        }
    }

    public bool FileExists(string name)
    {
        lock (_sync)
        {
            CheckPower();
            return _names.ContainsKey(name);
        }
    }

    public void DeleteFile(string name)
    {
        lock (_sync)
        {
            CheckPower();
            Count();
            _names.Remove(name);
        }
    }

    public void RenameFile(string source, string destination)
    {
        lock (_sync)
        {
            CheckPower();
            Count();
            if (!_names.Remove(source, out SimFile? file))
            {
                throw new FileNotFoundException($"{source} does not exist.", source);
            }
            _names[destination] = file;
        }
    }

    public IReadOnlyList<string> ListFiles()
    {
        lock (_sync)
        {
            CheckPower();
            return [.. _names.Keys];
        }
    }

    public void SyncDirectory()
    {
        lock (_sync)
        {
            CheckPower();
            Count();
            _durableNames = new Dictionary<string, SimFile>(_names, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Simulates a power loss and restart: every file becomes its durable image plus a part of its unsynced
    /// operations chosen by <paramref name="random"/>, the directory its durable name table, and the power comes
    /// back on. Handles opened before stay dead.
    /// </summary>
    public void PowerLoss(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_sync)
        {
            var survivors = new Dictionary<string, SimFile>(StringComparer.Ordinal);
            var rebuilt = new Dictionary<SimFile, SimFile>();
            foreach ((string name, SimFile file) in _durableNames)
            {
                if (!rebuilt.TryGetValue(file, out SimFile? image))
                {
                    image = file.Survive(random);
                    rebuilt.Add(file, image);
                }
                survivors.Add(name, image);
            }
            _names = survivors;
            _durableNames = new Dictionary<string, SimFile>(survivors, StringComparer.Ordinal);
            _epoch++;
            IsPoweredOff = false;
            PowerOffAfter = null;
            FailNextSync = false;
            FailAllSyncs = false;
            FailNextWriteWith = null;
        }
    }

    /// <summary>Flips one bit of a file's durable (and current) contents: bit rot on the platter.</summary>
    public void FlipBit(string name, long bitIndex)
    {
        lock (_sync)
        {
            SimFile file = _names[name];
            file.FlipBit(bitIndex);
        }
    }

    /// <summary>The length of a file as it is now (written, not necessarily durable).</summary>
    public long LengthOf(string name)
    {
        lock (_sync)
        {
            return _names[name].Length;
        }
    }

    private void CheckPower()
    {
        if (IsPoweredOff)
        {
            throw new StorageIOException("The device has lost power.", null, Eio);
        }
    }

    private void CheckHandle(int epoch, string name)
    {
        CheckPower();
        if (epoch != _epoch)
        {
            throw new StorageIOException($"{name} was opened before a power loss.", name, Eio);
        }
    }

    private void Count()
    {
        _operations++;
        if (PowerOffAfter is { } limit && _operations >= limit)
        {
            IsPoweredOff = true;
        }
    }

    /// <summary>One simulated file: its current bytes, its durable bytes and the operations since the last sync.</summary>
    private sealed class SimFile
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
            var image = new SimFile
            {
                _current = bytes,
                _length = length,
                _durable = bytes.AsSpan(0, (int)length).ToArray(),
                _durableLength = length,
            };
            return image;
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

    private sealed class Handle(FaultInjectingDevice device, string name, SimFile file, int epoch) : IStorageFile
    {
        public string Name { get; } = name;

        public long Length
        {
            get
            {
                lock (device._sync)
                {
                    device.CheckHandle(epoch, Name);
                    return file.Length;
                }
            }
        }

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            lock (device._sync)
            {
                device.CheckHandle(epoch, Name);
                device.Count();
                if (device.FailNextWriteWith is { } errno)
                {
                    device.FailNextWriteWith = null;
                    file.Write(position, source[..(source.Length / 2)]);
                    throw new StorageIOException($"Injected write failure on {Name} (errno {errno}).", Name, errno);
                }
                file.Write(position, source);
            }
        }

        public int Read(long position, Span<byte> destination)
        {
            lock (device._sync)
            {
                device.CheckHandle(epoch, Name);
                return file.Read(position, destination);
            }
        }

        public void Sync()
        {
            lock (device._sync)
            {
                device.CheckHandle(epoch, Name);
                device.Count();
                if (device.IsPoweredOff)
                {
                    throw new StorageIOException("The device has lost power.", Name, Eio);
                }
                if (device.FailNextSync || device.FailAllSyncs)
                {
                    device.FailNextSync = false;
                    file.DropUnsynced();
                    throw new StorageIOException($"Injected fdatasync failure on {Name} (errno 5).", Name, Eio);
                }
                file.Sync();
            }
        }

        public void SetLength(long length)
        {
            lock (device._sync)
            {
                device.CheckHandle(epoch, Name);
                device.Count();
                file.SetLength(length);
            }
        }

        public void Dispose()
        {
        }
    }
}
