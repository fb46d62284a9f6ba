namespace Runnel.Testing;

/// <summary>A record as a test expects to read it back: the reference model for log property tests.</summary>
public sealed record RecordModel(ulong Sequence, long TimestampMs, byte[] PartitionKey, UInt128? ExplicitHashKey, byte[] Data)
{
    /// <summary>A deterministic record for a seed: key of 1..40 bytes, data of 0..maxData bytes.</summary>
    public static (byte[] Key, UInt128? Hash, byte[] Data) Random(Random random, int maxData)
    {
        ArgumentNullException.ThrowIfNull(random);
        byte[] key = new byte[random.Next(1, 41)];
        random.NextBytes(key);
        byte[] data = new byte[random.Next(0, maxData + 1)];
        random.NextBytes(data);
        UInt128? hash = random.Next(4) == 0 ? new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) : null;
        return (key, hash, data);
    }
}
