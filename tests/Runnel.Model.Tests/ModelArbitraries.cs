using FsCheck;
using FsCheck.Fluent;

namespace Runnel.Model.Tests;

/// <summary>FsCheck arbitraries for the model types; pass <c>Arbitrary = [typeof(ModelArbitraries)]</c>.</summary>
public static class ModelArbitraries
{
    public static Arbitrary<UInt128> UInt128() => ModelGenerators.AnyUInt128.ToArbitrary();

    public static Arbitrary<HashKey> HashKey() => ModelGenerators.AnyUInt128.Select(v => new HashKey(v)).ToArbitrary();

    public static Arbitrary<string> Text() => ModelGenerators.PartitionKey.ToArbitrary();

    public static Arbitrary<ShardId> ShardId() =>
        Gen.Frequency(
                (3, Gen.Choose(0, int.MaxValue)),
                (2, Gen.Choose(0, 1000)),
                (1, Gen.Elements(0, 1, int.MaxValue, int.MaxValue - 1)))
            .Select(i => new ShardId(i))
            .ToArbitrary();

    public static Arbitrary<SequenceNumber> SequenceNumber() =>
        Gen.Zip(
                Gen.Zip(CreationSeconds, StreamTag),
                Gen.Zip(ShardIndex, ModelGenerators.AnyULong),
                (shard, position) => new SequenceNumber(shard.Item1, shard.Item2, position.Item1, position.Item2))
            .ToArbitrary();

    private static Gen<long> CreationSeconds { get; } =
        ModelGenerators.UniformULong.Select(v => (long)(v & (ulong)Model.SequenceNumber.MaxShardCreationSeconds))
            .Or(Gen.Elements(0L, 1_700_000_000L, Model.SequenceNumber.MaxShardCreationSeconds));

    private static Gen<uint> StreamTag { get; } =
        ModelGenerators.UniformULong.Select(v => (uint)(v & Model.SequenceNumber.MaxStreamTag))
            .Or(Gen.Elements(0u, Model.SequenceNumber.MaxStreamTag));

    private static Gen<int> ShardIndex { get; } =
        Gen.Choose(0, int.MaxValue).Or(Gen.Choose(0, 100)).Or(Gen.Elements(0, int.MaxValue));
}
