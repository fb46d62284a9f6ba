using BenchmarkDotNet.Attributes;
using Runnel.Storage.Framing;

namespace Runnel.Benchmarks.Framing;

/// <summary>
/// Encoding and decoding one frame (header, partition key, data, padding, CRC-32C over all of it) for small, typical
/// and large records. Both directions must allocate nothing (budgets/allocations.json).
/// </summary>
[BenchmarkCategory(Categories.Framing)]
public class FrameBenchmarks
{
    private const ulong Sequence = 42;
    private const long TimestampMs = 1_700_000_000_000;

    // An 18-byte partition key, a typical length; no explicit hash key (the common case).
    private static readonly byte[] s_partitionKey = "partition-key-0001"u8.ToArray();

    private byte[] _data = [];
    private byte[] _destination = [];
    private byte[] _encoded = [];

    /// <summary>Bytes of record data in the frame.</summary>
    [Params(100, 1024, 64 * 1024)]
    public int DataLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[DataLength];
        new Random(DataLength).NextBytes(_data);
        int frameLength = FrameDescriptor.AlignedLength(s_partitionKey.Length, hasExplicitHashKey: false, DataLength);
        _destination = new byte[frameLength];
        _encoded = new byte[frameLength];
        FrameDescriptor.Write(_encoded, Sequence, TimestampMs, s_partitionKey, null, _data);
        if (Decode() != DataLength)
        {
            throw new InvalidOperationException("The encoded frame does not decode.");
        }
    }

    /// <summary>Writes one frame into a reused buffer; returns the aligned length.</summary>
    [Benchmark]
    public int Encode() => FrameDescriptor.Write(_destination, Sequence, TimestampMs, s_partitionKey, null, _data);

    /// <summary>Validates (length, fields, checksum) and views one frame; returns its data length.</summary>
    [Benchmark]
    public int Decode()
    {
        FrameStatus status = FrameDescriptor.TryRead(_encoded, out RecordFrame frame);
        return status == FrameStatus.Valid ? frame.Data.Length : -1;
    }
}
