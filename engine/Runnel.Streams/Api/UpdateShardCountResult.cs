namespace Runnel.Streams;

/// <summary>The UpdateShardCount result.</summary>
public sealed record UpdateShardCountResult(string StreamName, string StreamArn, int CurrentShardCount, int TargetShardCount);
