using FsCheck;
using FsCheck.Fluent;

namespace Runnel.Model.Tests;

/// <summary>Reproducible FsCheck generators for the model's primitive inputs.</summary>
internal static class ModelGenerators
{
    /// <summary>Uniform 64-bit values (the default ulong generator stays near the size parameter).</summary>
    public static Gen<ulong> UniformULong { get; } =
        Gen.ArrayOf(Gen.Choose(0, 0xFFFF), 4)
            .Select(p => (ulong)(uint)p[0] | ((ulong)(uint)p[1] << 16) | ((ulong)(uint)p[2] << 32) | ((ulong)(uint)p[3] << 48));

    /// <summary>64-bit values with a random bit width, so small and large magnitudes both appear.</summary>
    public static Gen<ulong> AnyULong { get; } =
        Gen.Zip(UniformULong, Gen.Choose(0, 64), (value, shift) => shift == 64 ? 0UL : value >> shift);

    /// <summary>128-bit values built from two ulongs, mixed with the edge values.</summary>
    public static Gen<UInt128> AnyUInt128 { get; } = Gen.Frequency(
        (8, Gen.Zip(AnyULong, AnyULong, (upper, lower) => new UInt128(upper, lower))),
        (2, Gen.Zip(UniformULong, UniformULong, (upper, lower) => new UInt128(upper, lower))),
        (1, Gen.Elements(
            UInt128.Zero, UInt128.One, UInt128.MaxValue, UInt128.MaxValue - 1, UInt128.One << 127,
            (UInt128.One << 127) - 1, (UInt128)ulong.MaxValue, (UInt128)ulong.MaxValue + 1)));

    /// <summary>One text element: ASCII, other BMP, a lone surrogate or a surrogate pair.</summary>
    public static Gen<string> TextElement { get; } = Gen.Frequency(
        (10, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0, 0x7F).Select(c => ((char)c).ToString())),
        (3, Gen.Choose(0x80, 0x7FF).Select(c => ((char)c).ToString())),
        (3, Gen.Choose(0x800, 0xD7FF).Select(c => ((char)c).ToString())),
        (1, Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString())),
        (1, Gen.Choose(0xD800, 0xDFFF).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));

    /// <summary>Partition-key-like strings of 0..300 elements, biased towards the 55/56-byte MD5 block boundary.</summary>
    public static Gen<string> PartitionKey { get; } = Gen.Frequency(
            (4, Gen.Choose(0, 60)),
            (2, Gen.Choose(14, 30)),
            (2, Gen.Choose(0, 300)))
        .SelectMany(length => Gen.ArrayOf(TextElement, length))
        .Select(string.Concat);

    /// <summary>Short strings over digits, signs, dashes, spaces and letters: the input space of the id parsers.</summary>
    public static Gen<string> NumericLikeText { get; } =
        Gen.Frequency(
                (3, Gen.Choose(0, 8)),
                (3, Gen.Choose(15, 24)),
                (2, Gen.Choose(36, 60)),
                (1, Gen.Choose(125, 135)))
            .SelectMany(length => Gen.ArrayOf(
                Gen.Frequency(
                    (20, Gen.Choose('0', '9').Select(c => (char)c)),
                    (1, Gen.Elements('-', '+', ' ', 's', 'x', '٣', '.'))),
                length))
            .Select(chars => new string(chars));
}
