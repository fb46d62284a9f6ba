
namespace Runnel.Server;

/// <summary>The server's log messages (source-generated, no allocation when the level is off).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Error, "Operation {Operation} failed with an unexpected error; the client got InternalFailureException")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(2, LogLevel.Error, "Maintenance failed; it runs again in a moment")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Created initial stream {Stream} with {Shards} shard(s)")]
    public static partial void InitialStreamCreated(ILogger logger, string stream, int shards);

    [LoggerMessage(4, LogLevel.Information, "Initial stream {Stream} already exists")]
    public static partial void InitialStreamExists(ILogger logger, string stream);

    [LoggerMessage(5, LogLevel.Information, "Stopping: finishing requests in flight (up to {Timeout})")]
    public static partial void Stopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(6, LogLevel.Information, "Stopped; the engine is closed")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(7, LogLevel.Critical, "Storage failure on {File}: {Error} Shard {Shard} of stream {Stream} no longer accepts writes (fail-stop; its puts get InternalFailure); its committed records stay readable. Free space or fix the disk, then restart runnel to recover and resume writes")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string file, string error, string shard, string stream);

    [LoggerMessage(8, LogLevel.Error, "Operation {Operation} answered InternalFailureException")]
    public static partial void InternalFailure(ILogger logger, Exception exception, string operation);
}
