namespace Runnel.Streams.Encryption;

/// <summary>One version of a master key's material.</summary>
internal sealed class KeyVersionDocument
{
    /// <summary>1 for the key's first material, one more at each rotation.</summary>
    public int Version { get; set; }

    public long CreatedMs { get; set; }

    /// <summary>The 256-bit AES key, base64.</summary>
    public string Material { get; set; } = "";
}
