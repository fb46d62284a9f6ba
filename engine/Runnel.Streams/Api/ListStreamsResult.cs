namespace Runnel.Streams;

/// <summary>The ListStreams result.</summary>
public sealed record ListStreamsResult(IReadOnlyList<StreamListing> Streams, bool HasMoreStreams, string? NextToken);
