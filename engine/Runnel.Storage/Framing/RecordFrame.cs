using System.Buffers.Binary;
using Runnel.Model;

namespace Runnel.Storage.Framing;

/// <summary>
/// A read-only view of one validated frame (see <see cref="FrameDescriptor"/> for the layout). It borrows the
/// caller's buffer: valid only while that buffer is. Allocates nothing.
/// </summary>
public readonly ref struct RecordFrame
{
    private readonly ReadOnlySpan<byte> _bytes;

    internal RecordFrame(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>The shard-local sequence counter of the record.</summary>
    public ulong Sequence => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[FrameDescriptor.SequenceOffset..]);

    /// <summary>The server's arrival time, milliseconds since the Unix epoch.</summary>
    public long TimestampMs => BinaryPrimitives.ReadInt64LittleEndian(_bytes[FrameDescriptor.TimestampOffset..]);

    /// <summary>The unpadded frame length.</summary>
    public int Length => _bytes.Length;

    /// <summary>The space the frame occupies, padding included.</summary>
    public int AlignedLength => FrameDescriptor.Align(_bytes.Length);

    /// <summary>Whether the producer gave an explicit hash key.</summary>
    public bool HasExplicitHashKey => (_bytes[FrameDescriptor.FlagsOffset] & FrameDescriptor.ExplicitHashKeyFlag) != 0;

    /// <summary>Whether the partition key and data fields hold an encrypted envelope (<see cref="FrameDescriptor.EncryptedFlag"/>).</summary>
    public bool IsEncrypted => (_bytes[FrameDescriptor.FlagsOffset] & FrameDescriptor.EncryptedFlag) != 0;

    /// <summary>The explicit hash key, or null when the producer gave none.</summary>
    public HashKey? ExplicitHashKey
    {
        get
        {
            if (!HasExplicitHashKey)
            {
                return null;
            }
            ReadOnlySpan<byte> key = _bytes.Slice(FrameDescriptor.HeaderLength, FrameDescriptor.ExplicitHashKeyLength);
            ulong low = BinaryPrimitives.ReadUInt64LittleEndian(key);
            ulong high = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
            return new HashKey(new UInt128(high, low));
        }
    }

    /// <summary>The partition key's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> PartitionKey => _bytes.Slice(KeyOffset, PartitionKeyLength);

    /// <summary>The record's data blob.</summary>
    public ReadOnlySpan<byte> Data => _bytes[(KeyOffset + PartitionKeyLength)..];

    /// <summary>The whole frame, unpadded, as stored.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    private int PartitionKeyLength => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[FrameDescriptor.PartitionKeyLengthOffset..]);

    private int KeyOffset => FrameDescriptor.HeaderLength + (HasExplicitHashKey ? FrameDescriptor.ExplicitHashKeyLength : 0);
}
