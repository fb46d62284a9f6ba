namespace Runnel.Streams;

/// <summary>An enhanced fan-out consumer (DescribeStreamConsumer, RegisterStreamConsumer, ListStreamConsumers).</summary>
public sealed record ConsumerDescription(
    string ConsumerName,
    string ConsumerArn,
    string ConsumerStatus,
    DateTimeOffset ConsumerCreationTimestamp,
    string StreamArn);
