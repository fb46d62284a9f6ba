namespace Runnel.Streams.Encryption;

/// <summary>One usable version of a master key: its id, its version and its 256-bit material.</summary>
internal sealed record MasterKeyVersion(Guid KeyId, int Version, byte[] Material);
