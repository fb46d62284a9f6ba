namespace Runnel.Storage.Catalog;

/// <summary>
/// The durable committed position of a shard log: everything before <see cref="CommittedPosition"/> in segment
/// <see cref="SegmentBase"/> (and every earlier segment) was acknowledged, so any damage there is corruption.
/// </summary>
/// <param name="Generation">Increases with every checkpoint written; picks the newer of the two slots.</param>
/// <param name="SegmentBase">Base sequence of the active segment.</param>
/// <param name="CommittedPosition">Byte offset in that segment just past the last acknowledged frame; 0 when the
/// segment holds nothing acknowledged (or does not exist yet).</param>
/// <param name="NextSequence">The sequence the next record will get.</param>
/// <param name="LastTimestampMs">Arrival time of the last acknowledged record (timestamps never go backwards).</param>
public readonly record struct Checkpoint(
    ulong Generation,
    ulong SegmentBase,
    long CommittedPosition,
    ulong NextSequence,
    long LastTimestampMs);
