namespace Runnel.Streams;

/// <summary>
/// The validation paths of a PutRecords record's members (<c>records.7.member.partitionKey</c>), made once per
/// record position for the whole process: validating a 500-record call would otherwise format 2,000 strings that
/// only an error ever reads. Immutable, thread-safe.
/// </summary>
internal sealed class RecordMemberPaths
{
    /// <summary>PutRecords' limit on records per call: the positions cached.</summary>
    public const int MaxRecords = 500;

    private static readonly RecordMemberPaths?[] s_paths = new RecordMemberPaths?[MaxRecords];

    private RecordMemberPaths(int index)
    {
        string prefix = $"records.{index + 1}.member.";
        Data = prefix + "data";
        PartitionKey = prefix + "partitionKey";
        ExplicitHashKey = prefix + "explicitHashKey";
    }

    public string Data { get; }

    public string PartitionKey { get; }

    public string ExplicitHashKey { get; }

    /// <summary>The paths of the record at <paramref name="index"/> (0-based; the paths count from 1).</summary>
    public static RecordMemberPaths Of(int index)
    {
        if ((uint)index >= MaxRecords)
        {
            return new RecordMemberPaths(index);
        }
        // A benign race: two threads may both build a position's paths; either copy is right.
        return Volatile.Read(ref s_paths[index]) ?? (s_paths[index] = new RecordMemberPaths(index));
    }
}
