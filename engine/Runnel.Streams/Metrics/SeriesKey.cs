namespace Runnel.Streams.Metrics;

/// <summary>The labels of one series: the stream, and the shard (enhanced monitoring) or the consumer (fan-out).</summary>
internal readonly record struct SeriesKey(string Stream, string? Shard, string? Consumer) : IComparable<SeriesKey>
{
    /// <summary>Reads the labels from a measurement's tags; false without a StreamName tag.</summary>
    public static bool TryFrom(ReadOnlySpan<KeyValuePair<string, object?>> tags, out SeriesKey key)
    {
        string? stream = null;
        string? shard = null;
        string? consumer = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            switch (tag.Key)
            {
                case KinesisMetricNames.StreamName:
                    stream = tag.Value as string;
                    break;
                case KinesisMetricNames.ShardId:
                    shard = tag.Value as string;
                    break;
                case KinesisMetricNames.ConsumerName:
                    consumer = tag.Value as string;
                    break;
                default:
                    break;
            }
        }
        key = new SeriesKey(stream!, shard, consumer);
        return stream is not null;
    }

    public int CompareTo(SeriesKey other)
    {
        int c = string.CompareOrdinal(Stream, other.Stream);
        if (c == 0)
        {
            c = string.CompareOrdinal(Shard, other.Shard);
        }
        return c != 0 ? c : string.CompareOrdinal(Consumer, other.Consumer);
    }
}
