namespace Runnel.Storage.Index;

/// <summary>One sparse index entry: the frame of record <paramref name="Sequence"/>, which arrived at
/// <paramref name="TimestampMs"/>, starts at byte <paramref name="Position"/> of its segment.</summary>
public readonly record struct IndexEntry(ulong Sequence, long TimestampMs, long Position);
