using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Model;
using Runnel.Storage.Framing;

namespace Runnel.Storage.Tests.Framing;

public class FrameDescriptorTests
{
    private static readonly int[] s_dataSizes = [0, 1, 7, 8, 100, 1000, 4096, 65_536, 1024 * 1024];

    public static Arbitrary<(byte[] Key, UInt128? Hash, byte[] Data, ulong Sequence, long Timestamp)> Frames()
    {
        Gen<byte[]> key = Gen.Choose(0, FrameDescriptor.MaxPartitionKeyBytes).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n));
        Gen<byte[]> data = Gen.OneOf(
            Gen.Elements(s_dataSizes).Select(n => { var b = new byte[n]; System.Random.Shared.NextBytes(b); return b; }),
            Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)));
        Gen<UInt128?> hash = Gen.OneOf(
            Gen.Constant<UInt128?>(null),
            ArbMap.Default.GeneratorFor<ulong>().Two().Select(t => (UInt128?)new UInt128(t.Item1, t.Item2)));
        var gen = from k in key
                  from h in hash
                  from d in data
                  from s in ArbMap.Default.GeneratorFor<ulong>()
                  from t in ArbMap.Default.GeneratorFor<long>()
                  select (k, h, d, s, t);
        return gen.ToArbitrary();
    }

    [Property(Arbitrary = [typeof(FrameDescriptorTests)], MaxTest = 200)]
    public bool WriteThenRead_AnyRecord_RoundTrips((byte[] Key, UInt128? Hash, byte[] Data, ulong Sequence, long Timestamp) r)
    {
        HashKey? hash = r.Hash is { } h ? new HashKey(h) : null;
        byte[] buffer = new byte[FrameDescriptor.AlignedLength(r.Key.Length, hash.HasValue, r.Data.Length) + 16];
        int written = FrameDescriptor.Write(buffer, r.Sequence, r.Timestamp, r.Key, hash, r.Data);
        FrameStatus status = FrameDescriptor.TryRead(buffer, out RecordFrame frame);
        return written % FrameDescriptor.Alignment == 0
            && status == FrameStatus.Valid
            && frame.AlignedLength == written
            && frame.Sequence == r.Sequence
            && frame.TimestampMs == r.Timestamp
            && frame.PartitionKey.SequenceEqual(r.Key)
            && frame.Data.SequenceEqual(r.Data)
            && frame.ExplicitHashKey == hash;
    }

    [Property(Arbitrary = [typeof(FrameDescriptorTests)], MaxTest = 200)]
    public bool WriteUnsealed_AnyRecord_SameBytesAsWriteButChecksumAndUnreadable((byte[] Key, UInt128? Hash, byte[] Data, ulong Sequence, long Timestamp) r)
    {
        HashKey? hash = r.Hash is { } h ? new HashKey(h) : null;
        int aligned = FrameDescriptor.AlignedLength(r.Key.Length, hash.HasValue, r.Data.Length);
        byte[] sealedFrame = new byte[aligned];
        byte[] unsealed = new byte[aligned];
        FrameDescriptor.Write(sealedFrame, r.Sequence, r.Timestamp, r.Key, hash, r.Data);
        int written = FrameDescriptor.WriteUnsealed(unsealed, r.Sequence, r.Timestamp, r.Key, hash, r.Data);

        // The checksum field is zero; every other byte matches the sealed frame.
        uint realChecksum = BitConverter.ToUInt32(sealedFrame, FrameDescriptor.ChecksumOffset);
        bool checksumZero = BitConverter.ToUInt32(unsealed, FrameDescriptor.ChecksumOffset) == 0;
        // Unreadable until sealed (unless the real checksum happens to be zero, a 2^-32 case).
        bool unreadable = FrameDescriptor.TryRead(unsealed, out _) == FrameStatus.Invalid || realChecksum == 0;
        unsealed.AsSpan(FrameDescriptor.ChecksumOffset, 4).Clear();
        sealedFrame.AsSpan(FrameDescriptor.ChecksumOffset, 4).Clear();
        return written == aligned && checksumZero && unreadable && sealedFrame.AsSpan().SequenceEqual(unsealed);
    }

    [Property(MaxTest = 500)]
    public bool TryRead_AnySingleBitFlip_IsNeverValid(byte[] key, byte[] data, int bitSeed)
    {
        key = key.Length > FrameDescriptor.MaxPartitionKeyBytes ? key[..FrameDescriptor.MaxPartitionKeyBytes] : key;
        byte[] buffer = new byte[FrameDescriptor.AlignedLength(key.Length, false, data.Length)];
        FrameDescriptor.Write(buffer, 42, 1_700_000_000_000, key, null, data);
        int length = FrameDescriptor.Length(key.Length, false, data.Length);
        int bit = Math.Abs(bitSeed % (length * 8));
        buffer[bit / 8] ^= (byte)(1 << (bit % 8));
        return FrameDescriptor.TryRead(buffer, out _) != FrameStatus.Valid;
    }

    [Fact]
    public void Write_Encrypted_SetsTheFlagAndReadsBackValid()
    {
        byte[] buffer = new byte[256];
        FrameDescriptor.Write(buffer, 7, 8, "envelope-and-key"u8, null, "ciphertext"u8, encrypted: true);
        Assert.Equal(FrameStatus.Valid, FrameDescriptor.TryRead(buffer, out RecordFrame frame));
        Assert.True(frame.IsEncrypted);
        Assert.False(frame.HasExplicitHashKey);
        Assert.True(frame.PartitionKey.SequenceEqual("envelope-and-key"u8));
        Assert.True(frame.Data.SequenceEqual("ciphertext"u8));

        FrameDescriptor.Write(buffer, 7, 8, "k"u8, null, "d"u8);
        Assert.Equal(FrameStatus.Valid, FrameDescriptor.TryRead(buffer, out frame));
        Assert.False(frame.IsEncrypted);
    }

    [Fact]
    public void TryRead_UnknownFlagBitWithValidChecksum_IsInvalid()
    {
        byte[] buffer = new byte[256];
        int written = FrameDescriptor.Write(buffer, 7, 8, "k"u8, null, "d"u8, encrypted: true);
        int length = (int)FrameDescriptor.PeekLength(buffer);
        buffer[26] |= 4; // flags bit 2: not defined
        uint crc = Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Seed, buffer.AsSpan(0, 4)), buffer.AsSpan(8, length - 8)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), crc);
        Assert.True(written > 0);
        Assert.Equal(FrameStatus.Invalid, FrameDescriptor.TryRead(buffer, out _));
    }

    [Fact]
    public void TryRead_ZeroLength_ReportsEnd()
        => Assert.Equal(FrameStatus.End, FrameDescriptor.TryRead(new byte[64], out _));

    [Fact]
    public void TryRead_TruncatedFrame_ReportsIncomplete()
    {
        byte[] buffer = new byte[128];
        int written = FrameDescriptor.Write(buffer, 1, 2, "key"u8, null, new byte[50]);
        Assert.Equal(FrameStatus.Incomplete, FrameDescriptor.TryRead(buffer.AsSpan(0, written - 10), out _));
    }

    [Fact]
    public void Write_PartitionKeyTooLong_Throws()
    {
        byte[] buffer = new byte[4096];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            FrameDescriptor.Write(buffer, 1, 2, new byte[FrameDescriptor.MaxPartitionKeyBytes + 1], null, []));
    }

    [Fact]
    public void WriteAndRead_SteadyState_AllocateNothing()
    {
        byte[] buffer = new byte[2048];
        byte[] data = new byte[1000];
        HashKey? hash = new HashKey(12345);
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            FrameDescriptor.Write(buffer, (ulong)i, i, "partition-key"u8, hash, data);
            FrameDescriptor.TryRead(buffer, out RecordFrame warm);
            sum += warm.Data.Length;
        }
        // A per-call allocation shows in every window; a one-off runtime allocation (tiering, a timer) in one at most.
        long fewest = long.MaxValue;
        for (int window = 0; window < 5 && fewest != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20_000; i++)
            {
                FrameDescriptor.Write(buffer, (ulong)i, i, "partition-key"u8, hash, data);
                FrameDescriptor.TryRead(buffer, out RecordFrame frame);
                sum += frame.Data.Length + (long)(frame.ExplicitHashKey?.Value ?? 0);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        long allocated = fewest;
        Assert.True(sum > 0);
        Assert.Equal(0, allocated);
    }
}
