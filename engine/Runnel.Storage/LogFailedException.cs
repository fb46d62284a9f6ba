namespace Runnel.Storage;

/// <summary>
/// The log stopped acknowledging writes after a device failure (fail-stop) or was closed. Appends in flight when
/// it failed, and every append after, end with this exception; what was acknowledged before stays durable.
/// </summary>
public sealed class LogFailedException : Exception
{
    public LogFailedException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
