namespace Runnel.Streams;

/// <summary>One entry of ListStreams' StreamSummaries.</summary>
public sealed record StreamListing(string StreamName, string StreamArn, StreamStatus StreamStatus, StreamMode StreamMode, DateTimeOffset StreamCreationTimestamp);
