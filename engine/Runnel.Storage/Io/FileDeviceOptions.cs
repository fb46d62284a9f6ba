namespace Runnel.Storage.Io;

/// <summary>Configuration of a <see cref="FileDevice"/>. Immutable once the device is built.</summary>
public sealed record FileDeviceOptions
{
    /// <summary>
    /// How far files opened with <see cref="StorageFileOptions.PrewrittenTail"/> write zeros ahead of their end;
    /// null writes none (the hint is ignored).
    /// </summary>
    public PrewrittenTailOptions? PrewrittenTail { get; init; } = PrewrittenTailOptions.Default;
}
