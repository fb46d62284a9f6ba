using FsCheck;
using FsCheck.Fluent;

namespace Runnel.Streams.Tests;

/// <summary>
/// Generators of random operation sequences for the model-based properties. FsCheck's default generators for
/// small integer types stay near zero (a <c>ushort</c> is almost always 0), which would leave most branches of a model
/// test unexercised; these draw every field uniformly.
/// </summary>
internal static class Steps
{
    /// <summary>Arrays of up to <paramref name="maxLength"/> steps: a kind in 0..kinds-1 and two uniform values in 0..65535.</summary>
    public static Arbitrary<(int Kind, int A, int B)[]> Of(int kinds, int maxLength)
        => Gen.Choose(1, maxLength)
            .SelectMany(length => Gen.ArrayOf(Gen.Choose(0, kinds - 1).SelectMany(kind => Gen.Choose(0, 65535).SelectMany(a => Gen.Choose(0, 65535).Select(b => (kind, a, b)))), length))
            .ToArbitrary();
}
