using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Streams.Encryption;

/// <summary>
/// Envelope encryption of one shard's records (ADR 0005). Each record is sealed with AES-256-GCM under a data key
/// of the shard; a data key is random, wrapped by the stream's master key (id and version recorded) and written
/// durably to <c>{id:D10}.dek</c> in the shard directory before the first record it encrypts is appended. A new
/// data key is made when the master key or its version changes, after a segment's worth of plaintext
/// (<c>SegmentMaxBytes</c>) or <see cref="MaxRecordsPerKey"/> records, and after every restart. Thread-safe.
/// </summary>
internal sealed class ShardCipher : IDisposable
{
    /// <summary>Records one data key may encrypt: random 96-bit nonces stay far below the 2^32 bound of NIST
    /// SP 800-38D (collision probability about 2^-49 at this count).</summary>
    internal const long MaxRecordsPerKey = 1L << 24;

    internal const string DataKeySuffix = ".dek";
    private const int FileLength = 108;
    private const int FileHeaderLength = 48;
    private const ushort FileVersion = 1;
    private static readonly byte[] s_fileMagic = "RNNLDEK\0"u8.ToArray();

    private readonly IStorageDevice _device;
    private readonly string _directory;
    private readonly string _streamName;
    private readonly uint _streamTag;
    private readonly int _shardIndex;
    private readonly KeyService _keys;
    private readonly long _maxBytesPerKey;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, DataKey> _loaded = [];
    private DataKey? _current;
    private uint? _nextId;
    private bool _disposed;

    public ShardCipher(IStorageDevice device, string directory, string streamName, uint streamTag, int shardIndex,
        KeyService keys, long maxBytesPerKey, TimeProvider time)
    {
        (_device, _directory, _streamName, _streamTag, _shardIndex, _keys, _maxBytesPerKey, _time)
            = (device, directory, streamName, streamTag, shardIndex, keys, maxBytesPerKey, time);
    }

    /// <summary>The data key files on disk (for tests and tools).</summary>
    public IReadOnlyList<string> DataKeyFiles => [.. _device.ListFiles().Where(n => n.EndsWith(DataKeySuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Encrypts in place: <paramref name="envelope"/> holds, from <see cref="RecordEnvelope.HeaderLength"/> on, the
    /// partition key's <paramref name="partitionKeyLength"/> UTF-8 bytes then the data; on return it is the whole
    /// envelope (data key id, nonce, tag, ciphertext). Writes a new data key file first when one is due.
    /// </summary>
    public void Encrypt(MasterKeyVersion master, Span<byte> envelope, int partitionKeyLength)
    {
        Span<byte> text = envelope[RecordEnvelope.HeaderLength..];
        DataKey key = TakeKey(master, text.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(envelope, key.Id);
        Span<byte> nonce = envelope.Slice(RecordEnvelope.DataKeyIdLength, RecordEnvelope.NonceLength);
        Span<byte> tag = envelope.Slice(RecordEnvelope.DataKeyIdLength + RecordEnvelope.NonceLength, RecordEnvelope.TagLength);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> associated = stackalloc byte[RecordEnvelope.MaxAssociatedDataLength];
        int length = RecordEnvelope.WriteAssociatedData(associated, _streamName, _streamTag, _shardIndex, key.Id, partitionKeyLength);
        lock (key.Gate)
        {
            key.Aes.Encrypt(nonce, text, text, tag, associated[..length]);
        }
    }

    /// <summary>
    /// Decrypts an encrypted frame into <paramref name="plaintext"/> (partition key bytes, then data) and returns the
    /// partition key's length. A record that does not authenticate is <see cref="LogCorruptionException"/> naming
    /// the segment file and byte; a disabled or missing master key is the KMS error.
    /// </summary>
    public int Decrypt(RecordFrame frame, Span<byte> plaintext)
    {
        ReadOnlySpan<byte> field = frame.PartitionKey;
        if (field.Length < RecordEnvelope.HeaderLength)
        {
            throw Corrupt(frame.Sequence, "an encrypted record's envelope is shorter than its header");
        }
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(field);
        DataKey key = Load(id);
        _keys.RequireUsable(key.MasterKeyId);
        int partitionKeyLength = field.Length - RecordEnvelope.HeaderLength;
        int textLength = partitionKeyLength + frame.Data.Length;
        ReadOnlySpan<byte> cipher = frame.Bytes[^textLength..];
        ReadOnlySpan<byte> nonce = field.Slice(RecordEnvelope.DataKeyIdLength, RecordEnvelope.NonceLength);
        ReadOnlySpan<byte> tag = field.Slice(RecordEnvelope.DataKeyIdLength + RecordEnvelope.NonceLength, RecordEnvelope.TagLength);
        Span<byte> associated = stackalloc byte[RecordEnvelope.MaxAssociatedDataLength];
        int length = RecordEnvelope.WriteAssociatedData(associated, _streamName, _streamTag, _shardIndex, id, partitionKeyLength);
        try
        {
            lock (key.Gate)
            {
                key.Aes.Decrypt(nonce, cipher, tag, plaintext[..textLength], associated[..length]);
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext[..textLength].Clear();
            throw Corrupt(frame.Sequence,
                $"record {frame.Sequence.ToString(CultureInfo.InvariantCulture)} fails AES-GCM authentication (its bytes were changed, or it was moved from another shard or stream)");
        }
        return partitionKeyLength;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (DataKey key in _loaded.Values)
            {
                key.Dispose();
            }
            _loaded.Clear();
            _current = null;
        }
    }

    /// <summary>The data key for the next record, made and stored durably when one is due.</summary>
    private DataKey TakeKey(MasterKeyVersion master, int plaintextBytes)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            DataKey? key = _current;
            if (key is null || key.MasterKeyId != master.KeyId || key.MasterVersion != master.Version
                || key.Records >= MaxRecordsPerKey || key.Bytes >= _maxBytesPerKey)
            {
                key = NewKey(master);
                _current = key;
            }
            key.Records++;
            key.Bytes += plaintextBytes;
            return key;
        }
    }

    /// <summary>Makes a data key, wraps it and writes its file durably (temp, fdatasync, rename, directory fsync). Holds _lock.</summary>
    private DataKey NewKey(MasterKeyVersion master)
    {
        _nextId ??= ScanNextId();
        uint id = _nextId.Value;
        _nextId = id + 1;
        byte[] material = RandomNumberGenerator.GetBytes(32);
        byte[] file = new byte[FileLength];
        s_fileMagic.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), FileVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), id);
        master.KeyId.TryWriteBytes(file.AsSpan(16, 16));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(32), master.Version);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(36), _time.GetUtcNow().ToUnixTimeMilliseconds());
        byte[] context = WrapContext(file.AsSpan(0, FileHeaderLength));
        KeyService.Wrap(master, material, context, file.AsSpan(48, 12), file.AsSpan(60, 32), file.AsSpan(92, 16));

        string name = FileName(id);
        string temporary = name + ".tmp";
        using (IStorageFile handle = _device.OpenFile(temporary, create: true))
        {
            handle.SetLength(0);
            handle.WriteAndSync(0, file);
        }
        _device.RenameFile(temporary, name);
        _device.SyncDirectory();

        var key = new DataKey(id, master.KeyId, master.Version, material);
        CryptographicOperations.ZeroMemory(material);
        _loaded[id] = key;
        return key;
    }

    /// <summary>A data key by id: loaded from its file and unwrapped on first use.</summary>
    private DataKey Load(uint id)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loaded.TryGetValue(id, out DataKey? known))
            {
                return known;
            }
            string name = FileName(id);
            string path = $"{_directory}/{name}";
            if (!_device.FileExists(name))
            {
                throw new LogCorruptionException(path, 0, "the data key file of an encrypted record is missing");
            }
            byte[] file = new byte[FileLength];
            int read;
            using (IStorageFile handle = _device.OpenFile(name, create: false))
            {
                read = handle.Read(0, file);
            }
            if (read != FileLength || !file.AsSpan(0, 8).SequenceEqual(s_fileMagic)
                || BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) != FileVersion
                || BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)) != id)
            {
                throw new LogCorruptionException(path, 0, "the data key file is damaged");
            }
            var masterId = new Guid(file.AsSpan(16, 16));
            int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(32));
            MasterKeyVersion master = _keys.ForDecryption(masterId, version);
            byte[] material = new byte[32];
            byte[] context = WrapContext(file.AsSpan(0, FileHeaderLength));
            if (!KeyService.TryUnwrap(master, file.AsSpan(48, 12), file.AsSpan(60, 32), file.AsSpan(92, 16), context, material))
            {
                throw new LogCorruptionException(path, 48, "the data key does not authenticate under its master key");
            }
            var key = new DataKey(id, masterId, version, material);
            CryptographicOperations.ZeroMemory(material);
            _loaded[id] = key;
            return key;
        }
    }

    private byte[] WrapContext(ReadOnlySpan<byte> header)
    {
        byte[] name = Encoding.UTF8.GetBytes(_streamName);
        byte[] context = new byte[header.Length + 8 + name.Length];
        header.CopyTo(context);
        BinaryPrimitives.WriteUInt32LittleEndian(context.AsSpan(header.Length), _streamTag);
        BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(header.Length + 4), _shardIndex);
        name.CopyTo(context, header.Length + 8);
        return context;
    }

    private uint ScanNextId()
    {
        uint next = 1;
        foreach (string name in _device.ListFiles())
        {
            if (name.EndsWith(DataKeySuffix, StringComparison.Ordinal)
                && uint.TryParse(name.AsSpan(0, name.Length - DataKeySuffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            {
                next = Math.Max(next, id + 1);
            }
        }
        return next;
    }

    private static string FileName(uint id) => id.ToString("D10", CultureInfo.InvariantCulture) + DataKeySuffix;

    /// <summary>Corruption of the record <paramref name="sequence"/>: names its segment file and byte position.</summary>
    private LogCorruptionException Corrupt(ulong sequence, string reason)
    {
        (string segment, long position) = Locate(sequence);
        return new LogCorruptionException($"{_directory}/{segment}", position, reason);
    }

    /// <summary>Finds the segment and byte of a record by walking frame headers (the error path only).</summary>
    private (string Segment, long Position) Locate(ulong sequence)
    {
        string? best = null;
        ulong bestBase = 0;
        foreach (string name in _device.ListFiles())
        {
            if (name.Length == 24 && name.EndsWith(".seg", StringComparison.Ordinal)
                && ulong.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out ulong segmentBase)
                && segmentBase <= sequence && (best is null || segmentBase > bestBase))
            {
                (best, bestBase) = (name, segmentBase);
            }
        }
        if (best is null)
        {
            return ("(no segment)", 0);
        }
        try
        {
            using IStorageFile file = _device.OpenFile(best, create: false);
            Span<byte> header = stackalloc byte[FrameDescriptor.HeaderLength];
            long position = SegmentDescriptor.HeaderLength;
            while (file.Read(position, header) == header.Length)
            {
                uint length = FrameDescriptor.PeekLength(header);
                if (length == 0)
                {
                    break;
                }
                if (BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) == sequence)
                {
                    return (best, position);
                }
                position += FrameDescriptor.Align((int)Math.Min(length, FrameDescriptor.MaxFrameLength));
            }
        }
        catch (IOException)
        {
            // The location is a courtesy; the corruption is reported either way.
        }
        return (best, 0);
    }
}
