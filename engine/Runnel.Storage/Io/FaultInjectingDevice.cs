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

    public IStorageFile OpenFile(string name, bool create)
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
            return new Handle(this, name, file, Disk.Epoch);
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

    private sealed class Handle(FaultInjectingDevice device, string name, FaultInjectingDisk.SimFile file, int epoch) : IStorageFile
    {
        private FaultInjectingDisk Disk => device.Disk;

        public string Name { get; } = name;

        public long Length
        {
            get
            {
                lock (Disk.Sync)
                {
                    Disk.CheckHandle(epoch, Name);
                    return file.Length;
                }
            }
        }

        public void Write(long position, ReadOnlySpan<byte> source)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(epoch, Name);
                string path = device.PathOf(Name);
                Disk.Count($"write {path}");
                if (Disk.FailNextWriteWith is { } errno)
                {
                    Disk.FailNextWriteWith = null;
                    file.Write(position, source[..(source.Length / 2)]);
                    throw new StorageIOException($"Injected write failure on {Name} (errno {errno}).", Name, errno);
                }
                if (Disk.TryMisdirect(path, position, source.Length, file.Length, out long? landing))
                {
                    if (landing is { } wrong)
                    {
                        file.Write(wrong, source);
                    }
                    return;
                }
                file.Write(position, source);
            }
        }

        public int Read(long position, Span<byte> destination)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(epoch, Name);
                return file.Read(position, destination);
            }
        }

        public void Sync()
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(epoch, Name);
                Disk.Count($"fsync {device.PathOf(Name)}");
                if (Disk.IsPoweredOff)
                {
                    throw new StorageIOException("The device has lost power.", Name, Eio);
                }
                if (Disk.FailNextSync || Disk.FailAllSyncs)
                {
                    Disk.FailNextSync = false;
                    file.DropUnsynced();
                    throw new StorageIOException($"Injected fdatasync failure on {Name} (errno 5).", Name, Eio);
                }
                file.Sync();
            }
        }

        public void SetLength(long length)
        {
            lock (Disk.Sync)
            {
                Disk.CheckHandle(epoch, Name);
                Disk.Count($"truncate {device.PathOf(Name)}");
                file.SetLength(length);
            }
        }

        public void Dispose()
        {
        }
    }
}
