using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;

namespace Runnel.Model.Tests;

public sealed class PartitionKeyHasherTests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Hash_Rfc1321Vector_IsDigestReadBigEndian(string key, string digestHex)
    {
        HashKey expected = new(UInt128.Parse(digestHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(expected, PartitionKeyHasher.Hash(key));
        Assert.Equal(expected, PartitionKeyHasher.Hash(key.AsSpan()));
        Assert.Equal(expected, PartitionKeyHasher.HashUtf8(Encoding.UTF8.GetBytes(key)));
    }

    [Fact]
    public void Hash_EmptyKey_IsKnownDecimal()
    {
        // 0xd41d8cd98f00b204e9800998ecf8427e in decimal.
        Assert.Equal("281949768489412648962353822266799178366", PartitionKeyHasher.Hash("").ToString());
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 2000)]
    public bool Hash_AnyString_EqualsMd5OfUtf8Bytes(string key)
    {
        HashKey expected = Reference(key);
        return PartitionKeyHasher.Hash(key) == expected
            && PartitionKeyHasher.Hash(key.AsSpan()) == expected
            && PartitionKeyHasher.HashUtf8(Encoding.UTF8.GetBytes(key)) == expected;
    }

    [Fact]
    public void Hash_AsciiLengthsAcrossBlockBoundary_EqualMd5OfUtf8Bytes()
    {
        for (int length = 0; length <= 130; length++)
        {
            string key = new('k', length);
            Assert.Equal(Reference(key), PartitionKeyHasher.Hash(key));
            Assert.Equal(Reference(key), PartitionKeyHasher.HashUtf8(Encoding.UTF8.GetBytes(key)));
        }
    }

    [Theory]
    [InlineData(0xE9)] // é, 2 bytes
    [InlineData(0x20AC)] // €, 3 bytes
    [InlineData(0x1F600)] // 😀, 4 bytes as a surrogate pair
    [InlineData(0xD800)] // lone high surrogate, 3 bytes as U+FFFD
    [InlineData(0xDC00)] // lone low surrogate
    public void Hash_MultiByteCharsAcrossBlockBoundary_EqualMd5OfUtf8Bytes(int codePoint)
    {
        string unit = codePoint > 0xFFFF ? char.ConvertFromUtf32(codePoint) : ((char)codePoint).ToString();
        // Prefixes of 0..4 ASCII bytes shift the multi-byte unit across the 55/56-byte edge.
        for (int prefix = 0; prefix <= 4; prefix++)
        {
            for (int count = 1; count <= 60; count++)
            {
                string key = new string('p', prefix) + string.Concat(Enumerable.Repeat(unit, count));
                Assert.Equal(Reference(key), PartitionKeyHasher.Hash(key));
            }
        }
    }

    [Fact]
    public void Hash_LoneSurrogates_MatchEncodingReplacement()
    {
        // Strings with lone surrogates do not survive xUnit's theory serialisation, so loop here.
        string[] keys =
        [
            "\uD800",
            "a\uDC00b",
            "abc\uD83D", // lone high at the end
            "\uDE00\uD83D", // pair in the wrong order
            "\uD83D\uD83D\uDE00", // lone high, then a valid pair
            "\uD83D\uDE00\uDE00", // valid pair, then a lone low
            new string('\uDFFF', 19), // 57 bytes after replacement: just past one block
            new string('\uDFFF', 18) + "a", // 55 bytes: exactly one block
        ];
        foreach (string key in keys)
        {
            Assert.Equal(Reference(key), PartitionKeyHasher.Hash(key));
        }
    }

    [Theory]
    [InlineData(256)]
    [InlineData(341)]
    [InlineData(342)]
    [InlineData(1000)]
    [InlineData(5000)]
    public void Hash_LongKeys_EqualMd5OfUtf8Bytes(int length)
    {
        string ascii = new('x', length);
        string cjk = new('中', length);
        Assert.Equal(Reference(ascii), PartitionKeyHasher.Hash(ascii));
        Assert.Equal(Reference(cjk), PartitionKeyHasher.Hash(cjk));
    }

    [Fact]
    public void Hash_NullString_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PartitionKeyHasher.Hash((string)null!));
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 500)]
    public bool HashMany_AnyKeys_EqualsHashOfEachKey(string[] keys)
    {
        // The generator's keys include empty, non-ASCII and lone-surrogate text; lengths past 16 and 24 reach every
        // lane width (16, then 8, then the scalar tail).
        var destination = new HashKey[keys.Length];
        PartitionKeyHasher.Hash(keys, destination);
        return keys.Select(PartitionKeyHasher.Hash).SequenceEqual(destination);
    }

    [Fact]
    public void HashMany_EveryCountUpTo70_EqualsMd5OfEachKey()
    {
        // Counts 0..70 put keys in every lane of both vector widths and in the scalar tail; every sixth key is too
        // long for one block and is hashed alone between lane keys.
        var random = new Random(7);
        for (int count = 0; count <= 70; count++)
        {
            string[] keys = new string[count];
            for (int i = 0; i < count; i++)
            {
                keys[i] = new string((char)('a' + random.Next(26)), i % 6 == 5 ? 56 + random.Next(200) : random.Next(56));
            }
            var destination = new HashKey[count + 1];
            destination[count] = new HashKey(42);
            PartitionKeyHasher.Hash(keys, destination);
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(Reference(keys[i]), destination[i]);
            }
            Assert.Equal(new HashKey(42), destination[count]); // nothing written past the keys
        }
    }

    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 500)]
    public bool HashUtf8Many_KeysEndToEnd_EqualsHashUtf8OfEachKey(string[] keys)
    {
        byte[][] utf8 = [.. keys.Select(Encoding.UTF8.GetBytes)];
        byte[] joined = [.. utf8.SelectMany(k => k)];
        int[] lengths = [.. utf8.Select(k => k.Length)];
        var destination = new HashKey[keys.Length];
        PartitionKeyHasher.HashUtf8(joined, lengths, destination);
        return utf8.Select(k => PartitionKeyHasher.HashUtf8(k)).SequenceEqual(destination);
    }

    [Fact]
    public void HashUtf8Many_LengthsPastTheKeys_ThrowsArgumentException()
    {
        var destination = new HashKey[2];
        Assert.Throws<ArgumentException>(() => PartitionKeyHasher.HashUtf8("abcdef"u8, [3, 4], destination));
        Assert.Throws<ArgumentException>(() => PartitionKeyHasher.HashUtf8("abcdef"u8, [-1, 1], destination));
        Assert.Throws<ArgumentException>(() => PartitionKeyHasher.HashUtf8("abcdef"u8, [1, 1, 1], destination));
    }

    [Fact]
    public void HashMany_NullKeyOrShortDestination_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PartitionKeyHasher.Hash(["a", null!], new HashKey[2]));
        Assert.Throws<ArgumentException>(() => PartitionKeyHasher.Hash(["a", "b"], new HashKey[1]));
    }

    [SuppressMessage("Security", "CA5351", Justification = "MD5 is the routing function under test.")]
    private static HashKey Reference(string key) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(key))));
}
