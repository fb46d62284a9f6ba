namespace Runnel.Streams;

/// <summary>Where a subscription starts: the five iterator types, with a sequence number or a timestamp where
/// the type needs one.</summary>
public sealed record StartingPosition(ShardIteratorType Type, string? SequenceNumber = null, DateTimeOffset? Timestamp = null);
