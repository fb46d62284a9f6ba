using System.Globalization;

namespace Runnel.Server;

/// <summary>A stream created at start-up unless it already exists: <c>name:shards</c> in the configuration.</summary>
public sealed record StreamSeed(string Name, int ShardCount)
{
    /// <summary>Parses <c>"name:shards,name2:shards"</c> (a missing <c>:shards</c> means 1 shard).</summary>
    /// <exception cref="FormatException">An entry is not <c>name[:shards]</c> with a positive shard count.</exception>
    public static IReadOnlyList<StreamSeed> ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var streams = new List<StreamSeed>();
        foreach (string entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.LastIndexOf(':');
            string name = colon < 0 ? entry : entry[..colon].Trim();
            int shards = 1;
            if (colon >= 0 && (!int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out shards) || shards < 1))
            {
                throw new FormatException($"'{entry}' is not name:shards with a positive shard count.");
            }
            if (name.Length == 0)
            {
                throw new FormatException($"'{entry}' has no stream name.");
            }
            streams.Add(new StreamSeed(name, shards));
        }
        return streams;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}:{ShardCount}");
}
