namespace Runnel.Streams.Encryption;

/// <summary>One master key: its id, state and every version of its material (old versions stay for decryption).</summary>
internal sealed class MasterKeyDocument
{
    /// <summary>The key id, a GUID in its lower-case 36-character form.</summary>
    public string Id { get; set; } = "";

    public string Description { get; set; } = "";

    public long CreatedMs { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>CUSTOMER, or AWS for the implicit <c>alias/aws/kinesis</c> key.</summary>
    public string KeyManager { get; set; } = "CUSTOMER";

    /// <summary>Versions in ascending order; new data keys are wrapped by the last.</summary>
    public List<KeyVersionDocument> Versions { get; set; } = [];
}
