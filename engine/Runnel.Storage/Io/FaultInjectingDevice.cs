namespace Runnel.Storage.Io;

/// <summary>
/// An <see cref="IStorageDevice"/> on one directory of a <see cref="FaultInjectingDisk"/>: models what a disk keeps
/// through a power loss, and injects faults: failed writes (EIO, ENOSPC), failed syncs (EIO), power loss after a
/// chosen number of operations, bit flips in durable data and misdirected writes. Used by the crash, power-loss and
/// bit-rot property tests and by the reliability harness.
/// </summary>
/// <remarks>
/// <para>A device made with the parameterless constructor has a disk of its own (its root directory); devices made by
/// <see cref="FaultInjectingDisk.Device"/> share their disk's power, operation counter and faults, so one power cut
/// hits them all at once. The fault model is <see cref="FaultInjectingDisk"/>'s: unsynced writes are lost, kept or
/// torn; files created, renamed or deleted since the last <see cref="SyncDirectory"/> go back to the last synced
/// name table.</para>
/// <para>Once <see cref="PowerOffAfter"/> operations have run, every further call throws, as a dead disk would;
/// handles opened before a power loss stay dead after it. Thread-safe (the disk's lock).</para>
/// </remarks>
public sealed class FaultInjectingDevice : IStorageDevice
{
    /// <summary>EIO, the error a failing disk reports.</summary>
    public const int Eio = FaultInjectingDisk.Eio;

    /// <summary>ENOSPC, a full file system.</summary>
    public const int Enospc = FaultInjectingDisk.Enospc;

    private readonly string _path;

    /// <summary>A device with a disk of its own, on the disk's root directory.</summary>
    public FaultInjectingDevice()
        : this(new FaultInjectingDisk(), "")
    {
    }

    internal FaultInjectingDevice(FaultInjectingDisk disk, string path) => (Disk, _path) = (disk, path);

    /// <summary>The disk this device is a directory of.</summary>
    public FaultInjectingDisk Disk { get; }

    /// <summary>The number of disk operations (writes, syncs, truncations, directory changes) so far.</summary>
    public long Operations => Disk.Operations;

    /// <summary>After this many operations the power goes off: every later call fails with EIO. Null: never.</summary>
    public long? PowerOffAfter
    {
        get => Disk.PowerOffAfter;
        set => Disk.PowerOffAfter = value;
    }

    /// <summary>Whether the power is off (see <see cref="PowerOffAfter"/>).</summary>
    public bool IsPoweredOff => Disk.IsPoweredOff;

    /// <summary>The next file sync fails with EIO and keeps nothing of the unsynced writes (as Linux may drop them).</summary>
    public bool FailNextSync
    {
        get => Disk.FailNextSync;
        set => Disk.FailNextSync = value;
    }

    /// <summary>Every file sync from now on fails with EIO.</summary>
    public bool FailAllSyncs
    {
        get => Disk.FailAllSyncs;
        set => Disk.FailAllSyncs = value;
    }

    /// <summary>The next write fails with this errno (<see cref="Eio"/> or <see cref="Enospc"/>) after landing half its bytes.</summary>
    public int? FailNextWriteWith
    {
        get => Disk.FailNextWriteWith;
        set => Disk.FailNextWriteWith = value;
    }

    /// <summary>How far files opened with <see cref="StorageFileOptions.PrewrittenTail"/> write zeros ahead of their end (null: none).</summary>
    public PrewrittenTailOptions? PrewrittenTail { get; init; } = PrewrittenTailOptions.Default;

    public IStorageFile OpenFile(string name, bool create) => OpenFile(name, create, StorageFileOptions.None);

    /// <summary>
    /// Opens a file. With <see cref="StorageFileOptions.PrewrittenTail"/> the handle writes zeros ahead of the data
    /// as a real device does (each extension one write, durable at the next sync, kept, torn or lost at a power
    /// loss like any other), keeps the data's end as its length and cuts the zeros off when disposed.
    /// </summary>
    public IStorageFile OpenFile(string name, bool create, StorageFileOptions options)
    {
        lock (Disk.Sync)
        {
            Disk.CheckPower();
            FaultInjectingDisk.SimDirectory directory = Disk.Resolve(_path);
            if (!directory.Current.TryGetValue(name, out object? node))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"{name} does not exist.", name);
                }
                node = new FaultInjectingDisk.SimFile();
                directory.Current.Add(name, node);
                Disk.Count($"create {PathOf(name)}");
            }
            if (node is not FaultInjectingDisk.SimFile file)
            {
                throw new StorageIOException($"{name} is a directory.", name, 21);
            }
            PrewrittenTailOptions? tail = (options & StorageFileOptions.PrewrittenTail) != 0 ? PrewrittenTail : null;
            return new Handle(this, name, file, Disk.Epoch, tail);
        }
    }

    public bool FileExists(string name)
    {
        lock (Disk.Sync)
        {
            Disk.CheckPower();
            return Disk.TryResolve(_path) is { } directory
                && directory.Current.TryGetValue(name, out object? node) && node is FaultInjectingDisk.SimFile;
        }
    }

    public void DeleteFile(string name)
    {
        lock (Disk.Sync)
        {
            Disk.CheckPower();
            FaultInjectingDisk.SimDirectory directory = Disk.Resolve(_path);
            Disk.Count($"unlink {PathOf(name)}");
            directory.Current.Remove(name);
        }
    }

    public void RenameFile(string source, string destination)
    {
        lock (Disk.Sync)
        {
            Disk.CheckPower();
            FaultInjectingDisk.SimDirectory directory = Disk.Resolve(_path);
            Disk.Count($"rename {PathOf(source)} {destination}");
            if (!directory.Current.Remove(source, out object? node))
            {
                throw new FileNotFoundException($"{source} does not exist.", source);
            }
            directory.Current[destination] = node;
        }
    }

    public IReadOnlyList<string> ListFiles()
    {
        lock (Disk.Sync)
        {
            Disk.CheckPower();
            FaultInjectingDisk.SimDirectory directory = Disk.Resolve(_path);
            var names = new List<string>();
            foreach ((string name, object node) in directory.Current)
            {
                if (node is FaultInjectingDisk.SimFile)
                {
                    names.Add(name);
                }
            }
            return names;
        }
    }

    public void SyncDirectory() => Disk.SyncDirectory(_path);

    /// <summary>
    /// Simulates a power loss and restart of the whole disk: every file becomes its durable image plus a part of its
    /// unsynced operations chosen by <paramref name="random"/>, every directory its durable name table, and the power
    /// comes back on. Handles opened before stay dead.
    /// </summary>
    public void PowerLoss(Random random) => Disk.PowerLoss(random);

    /// <summary>Flips one bit of a file's durable (and current) contents: bit rot on the platter.</summary>
    public void FlipBit(string name, long bitIndex) => Disk.FlipBit(PathOf(name), bitIndex);

    /// <summary>The length of a file as it is now (written, not necessarily durable).</summary>
    public long LengthOf(string name)
    {
        lock (Disk.Sync)
        {
            return ((FaultInjectingDisk.SimFile)Disk.Resolve(_path).Current[name]).Length;
        }
    }

    private string PathOf(string name) => _path.Length == 0 ? name : _path + "/" + name;

    private sealed class Handle : IStorageFile
    {
        private readonly FaultInjectingDevice _device;
        private readonly FaultInjectingDisk.SimFile _file;
        private readonly int _epoch;
        private readonly bool _tracked; // a prewritten tail: the lengths below are kept
        private PrewrittenTail _tail;
        private long _length;           // the data's end
        private long _physicalLength;   // the file's length, zeros included
        private bool _disposed;

        public Handle(FaultInjectingDevice device, string name, FaultInjectingDisk.SimFile file, int epoch, PrewrittenTailOptions? tail)
        {
            (_device, Name, _file, _epoch) = (device, name, file, epoch);
            if (tail is not null)
            {
                _tracked = true;
                _tail = new PrewrittenTail(tail);
                _length = _physicalLength = file.Length;
            }
        }

        public string Name { get; }

        private FaultInjectingDisk Disk => _device.Disk;

        public long Length
        {
            get
            {
                lock (Disk.Sync)
                {
                    Disk.CheckHandle(_epoch, Name);
                    return _tracked ? _length : _file.Length;
                }
            }
        }

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(_epoch, Name);
                long end = position + source.Length;
                if (_tracked && _tail.TryExtend(end, _physicalLength, out long zeroStart, out long zeroEnd))
                {
                    _physicalLength = Math.Max(_physicalLength, zeroEnd);
                    WriteOne(zeroStart, new byte[zeroEnd - zeroStart]);
                }
                WriteOne(position, source);
                if (_tracked)
                {
                    _physicalLength = Math.Max(_physicalLength, end);
                    _length = Math.Max(_length, end);
                }
            }
        }

        public int Read(long position, Span<byte> destination)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(_epoch, Name);
                if (_tracked)
                {
                    if (position >= _length)
                    {
                        return 0;
                    }
                    destination = destination[..(int)Math.Min(destination.Length, _length - position)];
                }
                return _file.Read(position, destination);
            }
        }

        public void Sync()
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(_epoch, Name);
                Disk.Count($"fsync {_device.PathOf(Name)}");
                if (Disk.IsPoweredOff)
                {
                    throw new StorageIOException("The device has lost power.", Name, Eio);
                }
                if (Disk.FailNextSync || Disk.FailAllSyncs)
                {
                    Disk.FailNextSync = false;
                    _file.DropUnsynced();
                    if (_tracked)
                    {
                        _length = Math.Min(_length, _file.Length);
                        _physicalLength = _file.Length;
                    }
                    throw new StorageIOException($"Injected fdatasync failure on {Name} (errno 5).", Name, Eio);
                }
                _file.Sync();
            }
        }

        public void SetLength(long length)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(_epoch, Name);
                Disk.Count($"truncate {_device.PathOf(Name)}");
                _file.SetLength(length);
                _length = _physicalLength = length;
            }
        }

        /// <summary>Cuts the prewritten zeros off, as the real devices do (best effort: not once the power is off).</summary>
        public void Dispose()
        {
            lock (Disk.Sync)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                if (_tracked && _physicalLength != _length && !Disk.IsPoweredOff && _epoch == Disk.Epoch)
                {
                    Disk.Count($"truncate {_device.PathOf(Name)}");
                    _file.SetLength(_length);
                }
            }
        }

        /// <summary>One counted write, with the disk's injected write faults. Under the disk's lock.</summary>
        private void WriteOne(long position, ReadOnlySpan<byte> source)
        {
            Disk.CheckPower(); // the zero write ahead of this one may have been the last before the power went
            string path = _device.PathOf(Name);
            Disk.Count($"write {path}");
            if (Disk.FailNextWriteWith is { } errno)
            {
                Disk.FailNextWriteWith = null;
                _file.Write(position, source[..(source.Length / 2)]);
                throw new StorageIOException($"Injected write failure on {Name} (errno {errno}).", Name, errno);
            }
            if (Disk.TryMisdirect(path, position, source.Length, _file.Length, out long? landing))
            {
                if (landing is { } wrong)
                {
                    _file.Write(wrong, source);
                }
                return;
            }
            _file.Write(position, source);
        }
    }
}
