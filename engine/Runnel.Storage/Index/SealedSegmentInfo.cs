namespace Runnel.Storage.Index;

/// <summary>What an index file records about its sealed segment.</summary>
/// <param name="BaseSequence">The segment's first sequence.</param>
/// <param name="NextSequence">One past the segment's last record.</param>
/// <param name="DataEnd">The byte just past the segment's last frame.</param>
/// <param name="LastTimestampMs">Arrival time of the segment's newest record (retention uses it).</param>
public readonly record struct SealedSegmentInfo(ulong BaseSequence, ulong NextSequence, long DataEnd, long LastTimestampMs);
