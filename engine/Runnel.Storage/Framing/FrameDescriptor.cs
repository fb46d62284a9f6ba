using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Runnel.Model;

namespace Runnel.Storage.Framing;

/// <summary>
/// Owns the byte layout of a record frame: one record as it lies in a segment file (and, later, in a ring).
/// </summary>
/// <remarks>
/// <code>
///  0               4               8                               16
///  +---------------+---------------+-------------------------------+
///  | length  u32   | crc32c  u32   | sequence  u64                 |
///  +---------------+---------------+-------------------------------+
/// 16                               24      26   27   28            32
///  | arrival timestamp ms  i64     | pkLen | flg| ver| dataLen u32  |
///  +-------------------------------+-------+----+----+-------------+
/// 32 [explicit hash key, 16 bytes, little-endian UInt128, only when flags bit 0 is set]
///    partition key (pkLen bytes of UTF-8)
///    data (dataLen bytes)
///    (flags bit 1, <see cref="EncryptedFlag"/>: the partition key and data fields hold an encrypted envelope that
///    Runnel.Streams writes and reads; Storage treats them as opaque bytes)
///    zero padding up to a multiple of 8 (not counted in length)
/// </code>
/// All integers are little-endian. <c>length</c> is the unpadded frame length and must equal the sum of the parts.
/// <c>crc32c</c> covers the length field and every byte from offset 8 to <c>length</c>; a frame whose length is
/// zero is "nothing here" (the end of written data). <c>ver</c> is <see cref="FormatVersion"/>.
/// Keep in sync with docs/formats/segment.md and <see cref="RecordFrame"/>.
/// </remarks>
public static class FrameDescriptor
{
    /// <summary>The frame format version written by this code.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Bytes before the optional explicit hash key.</summary>
    public const int HeaderLength = 32;

    /// <summary>Frames start and end on this alignment.</summary>
    public const int Alignment = 8;

    /// <summary>Longest partition key in UTF-8 bytes: 256 UTF-16 characters of up to 4 bytes each.</summary>
    public const int MaxPartitionKeyBytes = 1024;

    /// <summary>Largest data blob a frame can hold (Kinesis allows records of up to 10 MiB).</summary>
    public const int MaxDataBytes = 10 * 1024 * 1024;

    /// <summary>Largest frame length (already a multiple of <see cref="Alignment"/>).</summary>
    public const int MaxFrameLength = HeaderLength + ExplicitHashKeyLength + MaxPartitionKeyBytes + MaxDataBytes;

    internal const int LengthOffset = 0;
    internal const int ChecksumOffset = 4;
    internal const int SequenceOffset = 8;
    internal const int TimestampOffset = 16;
    internal const int PartitionKeyLengthOffset = 24;
    internal const int FlagsOffset = 26;
    internal const int VersionOffset = 27;
    internal const int DataLengthOffset = 28;
    internal const int ExplicitHashKeyLength = 16;
    internal const byte ExplicitHashKeyFlag = 1;

    /// <summary>Flags bit 1: the partition key and data fields hold an encrypted envelope (encryption at rest,
    /// written and read by Runnel.Streams; see docs/formats/segment.md section 3).</summary>
    public const byte EncryptedFlag = 2;

    /// <summary>The unpadded length of a frame with these parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(int partitionKeyLength, bool hasExplicitHashKey, int dataLength)
        => HeaderLength + (hasExplicitHashKey ? ExplicitHashKeyLength : 0) + partitionKeyLength + dataLength;

    /// <summary>The space a frame with these parts occupies, padding included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AlignedLength(int partitionKeyLength, bool hasExplicitHashKey, int dataLength)
        => Align(Length(partitionKeyLength, hasExplicitHashKey, dataLength));

    /// <summary>Rounds a frame length up to <see cref="Alignment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Align(int length) => (length + (Alignment - 1)) & ~(Alignment - 1);

    /// <summary>
    /// Encodes one frame at the start of <paramref name="destination"/>, padding included, and returns the aligned
    /// length written. Allocates nothing. The caller has checked the part sizes against the limits.
    /// <paramref name="encrypted"/> sets <see cref="EncryptedFlag"/>.
    /// </summary>
    public static int Write(
        Span<byte> destination,
        ulong sequence,
        long timestampMs,
        ReadOnlySpan<byte> partitionKeyUtf8,
        HashKey? explicitHashKey,
        ReadOnlySpan<byte> data,
        bool encrypted = false)
        => WriteCore(destination, sequence, timestampMs, partitionKeyUtf8, explicitHashKey, data, encrypted, seal: true);

    /// <summary>
    /// Encodes a frame like <see cref="Write"/> but leaves its checksum zero: for a frame whose sequence and timestamp
    /// are filled in later by a writer that then computes the checksum once (ShardLog's drain). Not readable by
    /// <see cref="TryRead"/> until sealed.
    /// </summary>
    public static int WriteUnsealed(
        Span<byte> destination,
        ulong sequence,
        long timestampMs,
        ReadOnlySpan<byte> partitionKeyUtf8,
        HashKey? explicitHashKey,
        ReadOnlySpan<byte> data,
        bool encrypted = false)
        => WriteCore(destination, sequence, timestampMs, partitionKeyUtf8, explicitHashKey, data, encrypted, seal: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteCore(
        Span<byte> destination,
        ulong sequence,
        long timestampMs,
        ReadOnlySpan<byte> partitionKeyUtf8,
        HashKey? explicitHashKey,
        ReadOnlySpan<byte> data,
        bool encrypted,
        bool seal)
    {
        if ((uint)partitionKeyUtf8.Length > MaxPartitionKeyBytes)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(partitionKeyUtf8), "The partition key is longer than a frame allows.");
        }
        if ((uint)data.Length > MaxDataBytes)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(data), "The data blob is larger than a frame allows.");
        }

        bool hasKey = explicitHashKey.HasValue;
        int length = Length(partitionKeyUtf8.Length, hasKey, data.Length);
        int aligned = Align(length);
        Span<byte> frame = destination[..aligned];

        BinaryPrimitives.WriteUInt64LittleEndian(frame[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[TimestampOffset..], timestampMs);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[PartitionKeyLengthOffset..], (ushort)partitionKeyUtf8.Length);
        frame[FlagsOffset] = (byte)((hasKey ? ExplicitHashKeyFlag : 0) | (encrypted ? EncryptedFlag : 0));
        frame[VersionOffset] = FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[DataLengthOffset..], (uint)data.Length);

        int offset = HeaderLength;
        if (hasKey)
        {
            UInt128 key = explicitHashKey.GetValueOrDefault().Value;
            BinaryPrimitives.WriteUInt64LittleEndian(frame[offset..], (ulong)key);
            BinaryPrimitives.WriteUInt64LittleEndian(frame[(offset + 8)..], (ulong)(key >> 64));
            offset += ExplicitHashKeyLength;
        }
        partitionKeyUtf8.CopyTo(frame[offset..]);
        offset += partitionKeyUtf8.Length;
        data.CopyTo(frame[offset..]);
        frame[length..].Clear();

        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[ChecksumOffset..], seal ? Checksum(frame[..length]) : 0u);
        return aligned;
    }

    /// <summary>
    /// Decodes the frame at the start of <paramref name="source"/>. Checks the length, every field and the
    /// checksum; a frame is returned only when all agree. Allocates nothing.
    /// </summary>
    public static FrameStatus TryRead(ReadOnlySpan<byte> source, out RecordFrame frame)
    {
        frame = default;
        if (source.Length < 4)
        {
            return FrameStatus.Incomplete;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (length == 0)
        {
            return FrameStatus.End;
        }
        if (length < HeaderLength || length > MaxFrameLength)
        {
            return FrameStatus.Invalid;
        }
        if (source.Length < (int)length)
        {
            return FrameStatus.Incomplete;
        }

        ReadOnlySpan<byte> bytes = source[..(int)length];
        int partitionKeyLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[PartitionKeyLengthOffset..]);
        byte flags = bytes[FlagsOffset];
        uint dataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[DataLengthOffset..]);
        if (bytes[VersionOffset] != FormatVersion
            || (flags & ~(ExplicitHashKeyFlag | EncryptedFlag)) != 0
            || partitionKeyLength > MaxPartitionKeyBytes
            || dataLength > MaxDataBytes
            || Length(partitionKeyLength, (flags & ExplicitHashKeyFlag) != 0, (int)dataLength) != (int)length
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[ChecksumOffset..]) != Checksum(bytes))
        {
            return FrameStatus.Invalid;
        }

        frame = new RecordFrame(bytes);
        return FrameStatus.Valid;
    }

    /// <summary>The unpadded length declared by the frame at the start of <paramref name="source"/> (0 if none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PeekLength(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32LittleEndian(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Checksum(ReadOnlySpan<byte> frame)
    {
        uint state = Crc32C.Append(Crc32C.Seed, frame[..4]);
        return Crc32C.Finish(Crc32C.Append(state, frame[SequenceOffset..]));
    }
}
