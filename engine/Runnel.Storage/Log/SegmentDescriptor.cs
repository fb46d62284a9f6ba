using System.Buffers.Binary;
using System.Globalization;
using Runnel.Storage.Framing;

namespace Runnel.Storage.Log;

/// <summary>
/// Owns the layout of a segment file's header and the segment file names.
/// </summary>
/// <remarks>
/// A segment is one file, <c>{baseSequence:D20}.seg</c>: a 64-byte header, then frames back to back
/// (<see cref="FrameDescriptor"/>), each starting on an 8-byte boundary.
/// <code>
///  0                               8       10      12              16
///  +-------------------------------+-------+-------+---------------+
///  | magic "RNNLSEG\0"             | ver   | minver| header len u32|
///  +-------------------------------+-------+-------+---------------+
/// 16                              24                              32
///  | base sequence u64             | created ms i64                |
///  +-------------------------------+-------------------------------+
/// 32              36                                      60      64
///  | log id u32    | reserved (zero)                      | crc32c  |
///  +---------------+--------------------------------------+---------+
/// </code>
/// The checksum covers bytes 0..60. Keep in sync with docs/formats/segment.md.
/// </remarks>
public static class SegmentDescriptor
{
    /// <summary>The header format version written by this code.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>The oldest reader version that can read what this code writes.</summary>
    public const ushort MinCompatibleVersion = 1;

    /// <summary>The header length; the first frame starts here.</summary>
    public const int HeaderLength = 64;

    /// <summary>File name suffix of segments.</summary>
    public const string Extension = ".seg";

    private const ulong Magic = 0x0047_4553_4C4E_4E52; // "RNNLSEG\0" little-endian
    private const int ChecksumOffset = 60;

    /// <summary>The file name of the segment whose first record has <paramref name="baseSequence"/>.</summary>
    public static string FileName(ulong baseSequence)
        => baseSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>Parses a segment file name back to its base sequence.</summary>
    public static bool TryParseFileName(string name, out ulong baseSequence)
    {
        baseSequence = 0;
        return name.Length == 20 + Extension.Length
            && name.EndsWith(Extension, StringComparison.Ordinal)
            && ulong.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseSequence);
    }

    /// <summary>Writes a header into the first <see cref="HeaderLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, ulong baseSequence, long createdMs, uint logId)
    {
        Span<byte> header = destination[..HeaderLength];
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], MinCompatibleVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], baseSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], createdMs);
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], logId);
        BinaryPrimitives.WriteUInt32LittleEndian(header[ChecksumOffset..], Crc32C.Compute(header[..ChecksumOffset]));
    }

    /// <summary>Reads and checks a header; false when it is missing, torn, corrupt, or needs a newer reader (its minimum
    /// compatible version is above <see cref="FormatVersion"/>).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong baseSequence, out long createdMs)
    {
        baseSequence = 0;
        createdMs = 0;
        if (source.Length < HeaderLength)
        {
            return false;
        }
        ReadOnlySpan<byte> header = source[..HeaderLength];
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(header[ChecksumOffset..]) != Crc32C.Compute(header[..ChecksumOffset])
            || BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) > FormatVersion
            || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != HeaderLength)
        {
            return false;
        }
        baseSequence = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        createdMs = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        return true;
    }
}
