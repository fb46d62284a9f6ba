using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;
using Runnel.Streams.Encryption;

namespace Runnel.Streams.Tests.Encryption;

/// <summary>
/// The record envelope (AES-256-GCM under a shard's data key) for random records: it round-trips through a frame,
/// and any single-bit change of the envelope, or the same frame read as another shard's or stream's, fails
/// authentication and is reported as corruption.
/// </summary>
public class RecordEnvelopePropertyTests
{
    private static readonly FakeTimeProvider s_time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    private static Arbitrary<(string Key, byte[] Data, int Bit)> Records()
        => Gen.Choose(1, 256).SelectMany(keyLength =>
                Gen.ArrayOf(Gen.Choose(0x20, 0x2FFF).Select(c => (char)c), keyLength).Select(chars => new string(chars)))
            .SelectMany(key => Gen.Choose(0, 3000).SelectMany(dataLength => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), dataLength))
                .SelectMany(data => Gen.Choose(0, int.MaxValue).Select(bit => (key, data, bit))))
            .ToArbitrary();

    [Property(MaxTest = 200)]
    public Property Envelope_RandomRecord_RoundTripsAndAnySingleBitChangeFailsAuthentication()
        => Prop.ForAll(Records(), input =>
        {
            (KeyService keys, MasterKeyVersion master, MemoryDevice device) = Setup();
            using ShardCipher cipher = Cipher(device, keys, "s", 7, 0);
            byte[] envelope = Seal(cipher, master, input.Key, input.Data, out int keyLength);

            (string key, byte[] data) = Open(cipher, envelope, keyLength);
            Assert.Equal(input.Key, key);
            Assert.Equal(input.Data, data);

            byte[] flipped = (byte[])envelope.Clone();
            int bit = input.Bit % (flipped.Length * 8);
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<LogCorruptionException>(() => Open(cipher, flipped, keyLength));
        });

    [Property(MaxTest = 50)]
    public Property Envelope_ReadAsAnotherShardOrStream_FailsAuthentication()
        => Prop.ForAll(Records(), input =>
        {
            (KeyService keys, MasterKeyVersion master, MemoryDevice device) = Setup();
            using ShardCipher cipher = Cipher(device, keys, "s", 7, 0);
            byte[] envelope = Seal(cipher, master, input.Key, input.Data, out int keyLength);
            using ShardCipher otherShard = Cipher(device, keys, "s", 7, 1); // same data key file, another shard
            using ShardCipher otherStream = Cipher(device, keys, "t", 7, 0);
            using ShardCipher otherIncarnation = Cipher(device, keys, "s", 8, 0);
            Assert.Throws<LogCorruptionException>(() => Open(otherShard, envelope, keyLength));
            Assert.Throws<LogCorruptionException>(() => Open(otherStream, envelope, keyLength));
            Assert.Throws<LogCorruptionException>(() => Open(otherIncarnation, envelope, keyLength));
        });

    [Fact]
    public void Encrypt_PastTheByteBound_StartsANewDataKeyFile()
    {
        (KeyService keys, MasterKeyVersion master, MemoryDevice device) = Setup();
        using var cipher = new ShardCipher(device, "streams/s-7/shard-000000000000", "s", 7, 0, keys, maxBytesPerKey: 100, s_time);
        for (int i = 0; i < 5; i++)
        {
            Seal(cipher, master, "k", new byte[60], out _);
        }
        Assert.Equal(["0000000001.dek", "0000000002.dek", "0000000003.dek"], cipher.DataKeyFiles);
    }

    private static (KeyService Keys, MasterKeyVersion Master, MemoryDevice Device) Setup()
    {
        KeyService keys = KeyService.InMemory(time: s_time);
        KeyDescription key = keys.Create();
        return (keys, keys.ForEncryption(key.KeyId), new MemoryDevice());
    }

    private static ShardCipher Cipher(MemoryDevice device, KeyService keys, string stream, uint tag, int shard)
        => new(device, $"streams/{stream}-{tag}/shard-{shard:D12}", stream, tag, shard, keys, 1 << 20, s_time);

    private static byte[] Seal(ShardCipher cipher, MasterKeyVersion master, string key, byte[] data, out int keyLength)
    {
        keyLength = Encoding.UTF8.GetByteCount(key);
        byte[] envelope = new byte[RecordEnvelope.HeaderLength + keyLength + data.Length];
        Encoding.UTF8.GetBytes(key, envelope.AsSpan(RecordEnvelope.HeaderLength));
        data.CopyTo(envelope, RecordEnvelope.HeaderLength + keyLength);
        cipher.Encrypt(master, envelope, keyLength);
        return envelope;
    }

    /// <summary>Frames the envelope as the log would (checksum valid) and decrypts it.</summary>
    private static (string Key, byte[] Data) Open(ShardCipher cipher, byte[] envelope, int keyLength)
    {
        int split = RecordEnvelope.HeaderLength + keyLength;
        byte[] frame = new byte[FrameDescriptor.AlignedLength(split, false, envelope.Length - split)];
        FrameDescriptor.Write(frame, 1, 0, envelope.AsSpan(0, split), null, envelope.AsSpan(split), encrypted: true);
        Assert.Equal(FrameStatus.Valid, FrameDescriptor.TryRead(frame, out RecordFrame read));
        Assert.True(read.IsEncrypted);
        byte[] plaintext = new byte[envelope.Length];
        int length = cipher.Decrypt(read, plaintext);
        return (Encoding.UTF8.GetString(plaintext, 0, length), plaintext[length..(envelope.Length - RecordEnvelope.HeaderLength)]);
    }
}
