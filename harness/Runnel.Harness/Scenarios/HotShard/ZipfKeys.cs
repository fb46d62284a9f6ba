using System.Globalization;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>Partition keys drawn with Zipf's law: key i (0-based) has weight 1/(i+1)^s. Seeded, so runs repeat.</summary>
public sealed class ZipfKeys
{
    private readonly double[] _cumulative;
    private readonly Random _random;

    /// <summary>A sampler over <paramref name="count"/> keys named <c>user-00000</c>.. with exponent <paramref name="exponent"/>.</summary>
    public ZipfKeys(int count, double exponent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        Names = [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"user-{i:D5}"))];
        _cumulative = new double[count];
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            total += 1.0 / Math.Pow(i + 1, exponent);
            _cumulative[i] = total;
        }
        for (int i = 0; i < count; i++)
        {
            _cumulative[i] /= total;
        }
        _random = new Random(seed);
    }

    /// <summary>The key names, most popular first.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The probability of key <paramref name="index"/>.</summary>
    public double Probability(int index) => _cumulative[index] - (index == 0 ? 0 : _cumulative[index - 1]);

    /// <summary>The index of the next key.</summary>
    public int Next()
    {
        double u = _random.NextDouble();
        int index = Array.BinarySearch(_cumulative, u);
        index = index < 0 ? ~index : index;
        return Math.Min(index, _cumulative.Length - 1);
    }
}
