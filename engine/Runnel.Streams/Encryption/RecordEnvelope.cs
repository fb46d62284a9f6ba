using System.Buffers.Binary;
using System.Text;

namespace Runnel.Streams.Encryption;

/// <summary>
/// The encrypted form of a record inside a frame with <c>FrameDescriptor.EncryptedFlag</c> (docs/formats/segment.md
/// section 3.1): the partition key field holds the data key id (u32), the nonce (12), the GCM tag (16) and the
/// ciphertext of the partition key; the data field holds the ciphertext of the data. The two ciphertexts are one GCM
/// message, contiguous in the frame.
/// </summary>
internal static class RecordEnvelope
{
    public const int DataKeyIdLength = 4;
    public const int NonceLength = 12;
    public const int TagLength = 16;

    /// <summary>Bytes the envelope adds in front of the partition key's ciphertext.</summary>
    public const int HeaderLength = DataKeyIdLength + NonceLength + TagLength;

    private static readonly byte[] s_magic = "RNNLREC1"u8.ToArray();

    /// <summary>The longest associated data (the stream name is at most 128 characters of ASCII).</summary>
    public const int MaxAssociatedDataLength = 8 + 4 + 4 + 4 + 2 + 128 * 3;

    /// <summary>
    /// Writes the associated data binding a record to its place: magic, stream tag, shard index, data key id, the
    /// plaintext partition key length and the stream name. Returns its length.
    /// </summary>
    public static int WriteAssociatedData(Span<byte> destination, string streamName, uint streamTag, int shardIndex,
        uint dataKeyId, int partitionKeyLength)
    {
        s_magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], streamTag);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], shardIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], dataKeyId);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], (ushort)partitionKeyLength);
        return 22 + Encoding.UTF8.GetBytes(streamName, destination[22..]);
    }
}
