namespace Runnel.Storage;

/// <summary>
/// Durable data failed its checksum or is inconsistent: found by recovery below the committed position, or by a
/// read. The bytes are never served; the exception names the file and the byte position.
/// </summary>
public sealed class LogCorruptionException : Exception
{
    public LogCorruptionException(string fileName, long position, string reason)
        : base($"Corruption in {fileName} at byte {position}: {reason}")
        => (FileName, Position, Reason) = (fileName, position, reason);

    /// <summary>The corrupt file (a segment or the checkpoint; a damaged index file is rebuilt, not reported).</summary>
    public string FileName { get; }

    /// <summary>The byte position of the first bad structure.</summary>
    public long Position { get; }

    /// <summary>What was wrong.</summary>
    public string Reason { get; }
}
