using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Runnel.Model;

namespace Runnel.Benchmarks.Model;

/// <summary>
/// Partition key to hash key: <see cref="PartitionKeyHasher"/> against the obvious BCL route,
/// <see cref="MD5.HashData(ReadOnlySpan{byte}, Span{byte})"/> over the UTF-8 bytes into a stack digest (the
/// non-allocating overload, so the baseline is not handicapped). Keys are ASCII, so the length is both chars and
/// bytes: 12 fits the managed single-block MD5 (at most 55 bytes); 64 and 256 go to the platform MD5.
/// </summary>
[BenchmarkCategory(Categories.Hashing)]
[SuppressMessage("Security", "CA5351", Justification = "MD5 is the Kinesis routing function, not a security control.")]
public class PartitionKeyHashBenchmarks
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    /// <summary>Keys in one batch: a full PutRecords call.</summary>
    private const int BatchKeys = 500;

    private string _key = "";
    private byte[] _utf8 = [];
    private string[] _batch = [];
    private HashKey[] _batchHashes = [];

    /// <summary>Partition key length in chars (= UTF-8 bytes; the keys are ASCII).</summary>
    [Params(12, 64, 256)]
    public int KeyLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(KeyLength);
        char[] chars = new char[KeyLength];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }
        _key = new string(chars);
        _utf8 = Encoding.UTF8.GetBytes(_key);
        _batch = [.. Enumerable.Range(0, BatchKeys).Select(i => _key[..^4] + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))];
        _batchHashes = new HashKey[BatchKeys];

        UInt128 expected = Md5HashData();
        if (HashUtf8().Value != expected || HashString().Value != expected)
        {
            throw new InvalidOperationException("PartitionKeyHasher disagrees with MD5.HashData.");
        }
    }

    /// <summary>The BCL: MD5.HashData over pre-encoded UTF-8, read as a big-endian UInt128.</summary>
    [Benchmark(Baseline = true)]
    public UInt128 Md5HashData()
    {
        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(_utf8, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>Ours over pre-encoded UTF-8 (a key taken straight from a request body): the like-for-like comparison.</summary>
    [Benchmark]
    public HashKey HashUtf8() => PartitionKeyHasher.HashUtf8(_utf8);

    /// <summary>Ours from a .NET string: includes the UTF-16 to UTF-8 transcoding the baseline does not pay.</summary>
    [Benchmark]
    public HashKey HashString() => PartitionKeyHasher.Hash(_key);

    /// <summary>A PutRecords call's 500 string keys one by one (per key).</summary>
    [Benchmark(OperationsPerInvoke = BatchKeys)]
    public HashKey HashStringsOneByOne()
    {
        HashKey last = default;
        foreach (string key in _batch)
        {
            last = PartitionKeyHasher.Hash(key);
        }
        return last;
    }

    /// <summary>The same 500 keys through the batch API: one-block keys 16 (or 8) per SIMD vector (per key).</summary>
    [Benchmark(OperationsPerInvoke = BatchKeys)]
    public HashKey HashStringsBatch()
    {
        PartitionKeyHasher.Hash(_batch, _batchHashes);
        return _batchHashes[^1];
    }
}
