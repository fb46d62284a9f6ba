namespace Runnel.Streams;

/// <summary>UpdateStreamWarmThroughput's result: the stream and its target and current warm throughput (MiB/s).</summary>
public sealed record WarmThroughput(string StreamName, string StreamArn, int TargetMiBps, int CurrentMiBps);
