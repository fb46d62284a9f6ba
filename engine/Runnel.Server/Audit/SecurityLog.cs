namespace Runnel.Server.Audit;

/// <summary>The log messages of the audit trail and the network allow-list (event ids 800-809).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(800, LogLevel.Warning, "Refused a connection from {Address}: not in an allowed network ({Refused} refused so far)")]
    public static partial void ConnectionRefused(ILogger logger, string address, long refused);

    [LoggerMessage(801, LogLevel.Critical, "The audit trail stopped after a write failure; API calls are no longer recorded")]
    public static partial void AuditFailed(ILogger logger, Exception exception);

    [LoggerMessage(802, LogLevel.Information, "Audit trail: {Directory}")]
    public static partial void AuditStarted(ILogger logger, string directory);
}
