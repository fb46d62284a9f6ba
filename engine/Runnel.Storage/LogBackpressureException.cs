namespace Runnel.Storage;

/// <summary>
/// An append was refused because the log already holds its limit of appended, not yet committed bytes
/// (<c>ShardLogOptions.MaxPendingBytes</c>). Nothing was written; the caller may retry (the streams layer maps it
/// to <c>ProvisionedThroughputExceededException</c>).
/// </summary>
public sealed class LogBackpressureException : Exception
{
    public LogBackpressureException(string message)
        : base(message)
    {
    }
}
