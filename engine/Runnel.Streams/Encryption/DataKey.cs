using System.Security.Cryptography;

namespace Runnel.Streams.Encryption;

/// <summary>
/// One unwrapped data key of a shard: the AES-256-GCM instance (used under its own lock: <see cref="AesGcm"/> is
/// not thread-safe), the master key version that wraps it, and how much it has encrypted in this process.
/// </summary>
internal sealed class DataKey(uint id, Guid masterKeyId, int masterVersion, byte[] material) : IDisposable
{
    private readonly AesGcm _aes = new(material, RecordEnvelope.TagLength);

    public uint Id { get; } = id;

    public Guid MasterKeyId { get; } = masterKeyId;

    public int MasterVersion { get; } = masterVersion;

    /// <summary>Records encrypted with this key since it was made (never resumed after a restart).</summary>
    public long Records { get; set; }

    /// <summary>Plaintext bytes encrypted with this key since it was made.</summary>
    public long Bytes { get; set; }

    public Lock Gate { get; } = new();

    public AesGcm Aes => _aes;

    public void Dispose() => _aes.Dispose();
}
