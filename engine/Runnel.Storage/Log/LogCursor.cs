namespace Runnel.Storage.Log;

/// <summary>
/// A reader's place in a <see cref="ShardLog"/>: the sequence of the next record to read, with a hint of where its
/// frame lies. A cursor is a plain value; copies read independently. When retention removes the segment under a
/// cursor, the next read starts at the trim horizon.
/// </summary>
/// <param name="NextSequence">The next record to read has this sequence or the first one after it.</param>
/// <param name="SegmentBase">The segment the hint refers to.</param>
/// <param name="Position">Byte position of that record's frame in the segment, or 0 when unknown.</param>
public readonly record struct LogCursor(ulong NextSequence, ulong SegmentBase, long Position)
{
    /// <summary>A cursor at <paramref name="sequence"/> with no position hint.</summary>
    public static LogCursor AtSequence(ulong sequence) => new(sequence, 0, 0);
}
