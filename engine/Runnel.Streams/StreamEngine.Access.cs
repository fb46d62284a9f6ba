using System.Globalization;
using Runnel.Streams.Catalog;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>
/// Reads for request authorization (Runnel.Server's authorizer): a resource's policy and tags, the stream of a shard
/// iterator, a consumer's ARN. Unlike the API operations they take no control-plane rate budget (they run on every
/// request), change nothing and never throw for a missing resource: authorization comes before the operation,
/// which reports that itself.
/// </summary>
public sealed partial class StreamEngine
{
    /// <summary>The resource policy and tags of the stream or consumer <paramref name="resourceArn"/> names; null
    /// when there is no such resource here.</summary>
    public ResourceAccess? DescribeResourceAccess(string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        lock (_lock)
        {
            try
            {
                (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
                return consumer is null
                    ? new ResourceAccess(StreamArn(stream.Name), stream.Document.ResourcePolicy, Snapshot(stream.Document.Tags))
                    : new ResourceAccess(ConsumerArn(stream, consumer), consumer.ResourcePolicy, Snapshot(consumer.Tags));
            }
            catch (KinesisException)
            {
                return null;
            }
        }
    }

    /// <summary>The name of the stream a shard iterator reads, or null when the iterator is not one of ours.
    /// Expiry is not checked here (GetRecords reports it).</summary>
    public string? StreamNameOfIterator(string shardIterator)
        => ShardIteratorToken.TryDecode(_signer, shardIterator, out ShardIteratorToken token) ? token.StreamName : null;

    /// <summary>The ARN of the consumer <paramref name="consumerName"/> of the stream <paramref name="streamArn"/>,
    /// or null when there is none.</summary>
    public string? ConsumerArnOf(string streamArn, string consumerName)
    {
        ArgumentNullException.ThrowIfNull(streamArn);
        ArgumentNullException.ThrowIfNull(consumerName);
        lock (_lock)
        {
            try
            {
                (StreamState stream, ConsumerDocument consumer) = ResolveConsumer(streamArn, consumerName, null);
                return ConsumerArn(stream, consumer);
            }
            catch (KinesisException)
            {
                return null;
            }
        }
    }

    private static readonly IReadOnlyDictionary<string, string> s_noTags = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A copy of the tags (the catalog's dictionary changes under _lock), or a shared empty one.</summary>
    private static IReadOnlyDictionary<string, string> Snapshot(SortedDictionary<string, string> tags)
        => tags.Count == 0 ? s_noTags : new Dictionary<string, string>(tags, StringComparer.Ordinal);

    private string ConsumerArn(StreamState stream, ConsumerDocument consumer)
        => string.Create(CultureInfo.InvariantCulture, $"{StreamArn(stream.Name)}/consumer/{consumer.Name}:{consumer.CreatedSeconds}");
}
