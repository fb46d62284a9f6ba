using BenchmarkDotNet.Attributes;
using Runnel.Storage.Framing;

namespace Runnel.Benchmarks.Framing;

/// <summary>
/// Raw CRC-32C throughput (the cost under every frame encode and decode). Divide <see cref="Length"/> by the mean
/// for bytes per second; notes.md in each run does.
/// </summary>
[BenchmarkCategory(Categories.Checksum)]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    /// <summary>Bytes checksummed per operation.</summary>
    [Params(1024, 64 * 1024)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Length];
        new Random(Length).NextBytes(_data);
    }

    [Benchmark]
    public uint Compute() => Crc32C.Compute(_data);
}
