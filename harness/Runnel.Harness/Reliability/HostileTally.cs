using System.Globalization;

namespace Runnel.Harness.Reliability;

/// <summary>What one attack's connections saw: how each ended and when. Thread-safe.</summary>
public sealed class HostileTally(HostileAttack attack)
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly List<double> _endSeconds = [];
    private int _late;
    private int _unexpected;

    /// <summary>The attack.</summary>
    public HostileAttack Attack { get; } = attack;

    /// <summary>Records one connection's end.</summary>
    public void Add(string outcome, double? endSeconds)
    {
        lock (_lock)
        {
            _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
            if (endSeconds is { } s)
            {
                _endSeconds.Add(s);
            }
            if (!Attack.Expected.Contains(outcome))
            {
                _unexpected++;
            }
            else if (endSeconds is null || endSeconds > Attack.BoundSeconds)
            {
                _late++;
            }
        }
    }

    /// <summary>The summary for the report.</summary>
    public HostileAttackResult Result()
    {
        lock (_lock)
        {
            double[] sorted = [.. _endSeconds.Order()];
            int total = _outcomes.Values.Sum();
            return new HostileAttackResult(
                Attack.Name, Attack.What, Attack.Concurrency, total,
                _outcomes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                [.. Attack.Expected.Order(StringComparer.Ordinal)],
                sorted.Length == 0 ? null : Math.Round(sorted[sorted.Length / 2], 3),
                sorted.Length == 0 ? null : Math.Round(sorted[^1], 3),
                Math.Round(Attack.BoundSeconds, 3), Attack.BoundRule, _unexpected, _late,
                total > 0 && _unexpected == 0 && _late == 0);
        }
    }
}

/// <summary>One attack's line of the report.</summary>
/// <param name="Name">The attack.</param>
/// <param name="What">What its clients do.</param>
/// <param name="Concurrency">Connections open at once.</param>
/// <param name="Connections">Connections made in the run.</param>
/// <param name="Outcomes">How they ended, by kind.</param>
/// <param name="Expected">The acceptable ends.</param>
/// <param name="MedianEndSeconds">Median time from connect to the end.</param>
/// <param name="MaxEndSeconds">Slowest end.</param>
/// <param name="BoundSeconds">The bound every end must meet.</param>
/// <param name="BoundRule">How the bound follows from the limits.</param>
/// <param name="Unexpected">Connections that ended in a way not in <paramref name="Expected"/>.</param>
/// <param name="Late">Connections that ended as expected but after the bound.</param>
/// <param name="Passed">Whether every connection ended as expected within the bound.</param>
public sealed record HostileAttackResult(
    string Name, string What, int Concurrency, int Connections, IReadOnlyDictionary<string, int> Outcomes, IReadOnlyList<string> Expected,
    double? MedianEndSeconds, double? MaxEndSeconds, double BoundSeconds, string BoundRule, int Unexpected, int Late, bool Passed)
{
    /// <summary>The outcomes as <c>HTTP 408 x 250, close x 3</c>.</summary>
    public string OutcomeText => string.Join(", ", Outcomes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} x{p.Value}")));
}
