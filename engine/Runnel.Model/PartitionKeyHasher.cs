using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Runnel.Model;

/// <summary>
/// Maps a partition key to its <see cref="HashKey"/> as Kinesis does: MD5 over the key's UTF-8 bytes, read as an
/// unsigned big-endian 128-bit integer. Invalid UTF-16 (a lone surrogate) is encoded as U+FFFD, exactly like
/// <c>Encoding.UTF8.GetBytes</c>, so the result always equals <c>MD5.HashData(Encoding.UTF8.GetBytes(key))</c>.
/// </summary>
/// <remarks>
/// Keys whose UTF-8 form fits one MD5 block (at most 55 bytes, which covers most real partition keys) are hashed by
/// an unrolled managed MD5 with no call into the platform crypto library. Longer keys use
/// <see cref="MD5.HashData(ReadOnlySpan{byte}, Span{byte})"/>. Neither path allocates for keys up to 341 chars
/// (Kinesis caps partition keys at 256). Stateless and thread-safe.
/// </remarks>
public static class PartitionKeyHasher
{
    // One UTF-16 char encodes to at most 3 UTF-8 bytes (a surrogate pair is 4 bytes for 2 chars).
    private const int MaxUtf8BytesPerChar = 3;

    // Longest UTF-8 encoding put on the stack: 341 chars * 3 bytes fits, a 256-char partition key needs <= 768.
    private const int MaxStackUtf8Bytes = 1024;

    private const int Md5DigestLength = 16;

    /// <summary>The hash key of <paramref name="partitionKey"/>.</summary>
    public static HashKey Hash(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return Hash(partitionKey.AsSpan());
    }

    /// <summary>The hash key of the UTF-16 text <paramref name="partitionKey"/>.</summary>
    public static HashKey Hash(ReadOnlySpan<char> partitionKey)
    {
        if (partitionKey.Length <= Md5SingleBlock.MaxMessageLength)
        {
            // Encode straight into the zeroed MD5 block; DestinationTooSmall means more than 55 UTF-8 bytes.
            Span<byte> block = stackalloc byte[Md5SingleBlock.BlockLength];
            OperationStatus status = Utf8.FromUtf16(
                partitionKey, block[..Md5SingleBlock.MaxMessageLength], out _, out int written,
                replaceInvalidSequences: true, isFinalBlock: true);
            if (status == OperationStatus.Done)
            {
                return new HashKey(Md5SingleBlock.HashPaddedInPlace(block, written));
            }
        }

        return HashMultiBlock(partitionKey);
    }

    /// <summary>The hash key of a partition key that is already UTF-8 encoded (for example from a request body).</summary>
    public static HashKey HashUtf8(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= Md5SingleBlock.MaxMessageLength)
        {
            Span<byte> block = stackalloc byte[Md5SingleBlock.BlockLength];
            utf8.CopyTo(block);
            return new HashKey(Md5SingleBlock.HashPaddedInPlace(block, utf8.Length));
        }

        return HashWithPlatformMd5(utf8);
    }

    /// <summary>
    /// The hash keys of many partition keys at once (a PutRecords call's): <paramref name="destination"/>[i] is
    /// <see cref="Hash(string)"/> of <paramref name="partitionKeys"/>[i]. Keys of up to 55 UTF-8 bytes are hashed
    /// 8 or 16 at a time, one per SIMD lane (<see cref="Md5MultiLane"/>); longer ones one by one. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="partitionKeys"/>.</exception>
    /// <exception cref="ArgumentNullException">A key is null.</exception>
    public static void Hash(ReadOnlySpan<string> partitionKeys, Span<HashKey> destination)
    {
        if (destination.Length < partitionKeys.Length)
        {
            throw new ArgumentException("The destination is shorter than the keys.", nameof(destination));
        }
        var batch = new LaneBatch(stackalloc byte[LaneBatch.Chunk * Md5SingleBlock.BlockLength], stackalloc int[LaneBatch.Chunk]);
        for (int i = 0; i < partitionKeys.Length; i++)
        {
            string key = partitionKeys[i];
            ArgumentNullException.ThrowIfNull(key, nameof(partitionKeys));
            Span<byte> block = batch.NextBlock;
            if (key.Length <= Md5SingleBlock.MaxMessageLength
                && Utf8.FromUtf16(key, block[..Md5SingleBlock.MaxMessageLength], out _, out int written,
                    replaceInvalidSequences: true, isFinalBlock: true) == OperationStatus.Done)
            {
                batch.Add(i, written, destination);
            }
            else
            {
                block.Clear(); // the encoder may have written part of a key that does not fit
                destination[i] = HashMultiBlock(key);
            }
        }
        batch.Flush(destination);
    }

    /// <summary>
    /// The hash keys of many UTF-8 partition keys laid end to end in <paramref name="keys"/>, key i being
    /// <paramref name="lengths"/>[i] bytes long: <paramref name="destination"/>[i] is <see cref="HashUtf8(ReadOnlySpan{byte})"/>
    /// of key i. Hashed 8 or 16 at a time like <see cref="Hash(ReadOnlySpan{string}, Span{HashKey})"/>. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths add up to more than <paramref name="keys"/>, one is negative, or
    /// <paramref name="destination"/> is shorter than <paramref name="lengths"/>.</exception>
    public static void HashUtf8(ReadOnlySpan<byte> keys, ReadOnlySpan<int> lengths, Span<HashKey> destination)
    {
        if (destination.Length < lengths.Length)
        {
            throw new ArgumentException("The destination is shorter than the lengths.", nameof(destination));
        }
        var batch = new LaneBatch(stackalloc byte[LaneBatch.Chunk * Md5SingleBlock.BlockLength], stackalloc int[LaneBatch.Chunk]);
        int offset = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            int length = lengths[i];
            if ((uint)length > (uint)(keys.Length - offset))
            {
                throw new ArgumentException($"Key {i} ({length} bytes at {offset}) does not fit in the {keys.Length} bytes of keys.", nameof(lengths));
            }
            ReadOnlySpan<byte> key = keys.Slice(offset, length);
            offset += length;
            if (length <= Md5SingleBlock.MaxMessageLength)
            {
                key.CopyTo(batch.NextBlock);
                batch.Add(i, length, destination);
            }
            else
            {
                destination[i] = HashWithPlatformMd5(key);
            }
        }
        batch.Flush(destination);
    }

    /// <summary>Up to <see cref="Chunk"/> padded one-block keys waiting to be hashed together, and whose result each is.</summary>
    private ref struct LaneBatch(Span<byte> blocks, Span<int> owners)
    {
        /// <summary>Keys hashed together: one 512-bit vector of lanes.</summary>
        public const int Chunk = 16;

        private readonly Span<byte> _blocks = blocks; // zeroed by stackalloc, and cleared again after every flush
        private readonly Span<int> _owners = owners;
        private int _count;

        /// <summary>The zeroed 64-byte block the next key is written into.</summary>
        public readonly Span<byte> NextBlock => _blocks.Slice(_count * Md5SingleBlock.BlockLength, Md5SingleBlock.BlockLength);

        /// <summary>Takes the key just written into <see cref="NextBlock"/> as key <paramref name="owner"/>'s.</summary>
        public void Add(int owner, int length, Span<HashKey> destination)
        {
            Md5SingleBlock.Pad(NextBlock, length);
            _owners[_count++] = owner;
            if (_count == Chunk)
            {
                Flush(destination);
            }
        }

        public void Flush(Span<HashKey> destination)
        {
            if (_count == 0)
            {
                return;
            }
            Span<UInt128> digests = stackalloc UInt128[Chunk];
            Span<byte> used = _blocks[..(_count * Md5SingleBlock.BlockLength)];
            Md5MultiLane.HashPaddedBlocks(used, digests[.._count]);
            for (int j = 0; j < _count; j++)
            {
                destination[_owners[j]] = new HashKey(digests[j]);
            }
            used.Clear();
            _count = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HashKey HashMultiBlock(ReadOnlySpan<char> partitionKey)
    {
        if (partitionKey.Length <= MaxStackUtf8Bytes / MaxUtf8BytesPerChar)
        {
            Span<byte> utf8 = stackalloc byte[partitionKey.Length * MaxUtf8BytesPerChar];
            Utf8.FromUtf16(partitionKey, utf8, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            return HashUtf8(utf8[..written]);
        }

        return HashPooled(partitionKey);
    }

    // Keys longer than Kinesis allows: correct, but rents a buffer.
    private static HashKey HashPooled(ReadOnlySpan<char> partitionKey)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(checked(partitionKey.Length * MaxUtf8BytesPerChar));
        try
        {
            Utf8.FromUtf16(partitionKey, rented, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            return HashUtf8(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [SuppressMessage("Security", "CA5351", Justification = "MD5 is the Kinesis routing function, not a security control.")]
    private static HashKey HashWithPlatformMd5(ReadOnlySpan<byte> utf8)
    {
        Span<byte> digest = stackalloc byte[Md5DigestLength];
        MD5.HashData(utf8, digest);
        return new HashKey(BinaryPrimitives.ReadUInt128BigEndian(digest));
    }
}
