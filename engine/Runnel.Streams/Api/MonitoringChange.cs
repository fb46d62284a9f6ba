namespace Runnel.Streams;

/// <summary>The Enable/DisableEnhancedMonitoring result: the metrics before and after.</summary>
public sealed record MonitoringChange(
    string StreamName,
    string StreamArn,
    IReadOnlyList<string> CurrentShardLevelMetrics,
    IReadOnlyList<string> DesiredShardLevelMetrics);
