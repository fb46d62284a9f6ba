using System.Text;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// The records both engines append: a constant random payload of the case's size (the same bytes for both) and,
/// for Runnel, one of 1,024 distinct 16-byte partition keys (Kinesis requires a key; FasterLog has none).
/// </summary>
public sealed class RecordSource
{
    /// <summary>The number of distinct partition keys (a power of two).</summary>
    public const int KeyCount = 1024;

    private readonly byte[][] _keys;

    /// <summary>Makes the payload of <paramref name="recordBytes"/> bytes from a fixed seed.</summary>
    public RecordSource(int recordBytes)
    {
        var random = new Random(20261126);
        Payload = new byte[recordBytes];
        random.NextBytes(Payload);
        _keys = new byte[KeyCount][];
        for (int i = 0; i < KeyCount; i++)
        {
            _keys[i] = Encoding.ASCII.GetBytes($"pk-{i:D13}");
        }
    }

    /// <summary>The record data.</summary>
    public byte[] Payload { get; }

    /// <summary>The longest partition key in bytes.</summary>
    public int MaxKeyLength => _keys.Max(k => k.Length);

    /// <summary>The partition key of the record numbered <paramref name="index"/> (UTF-8, 16 bytes).</summary>
    public byte[] Key(long index) => _keys[index & (KeyCount - 1)];
}
