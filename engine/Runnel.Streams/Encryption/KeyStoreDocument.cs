namespace Runnel.Streams.Encryption;

/// <summary>The master keys and aliases of a <see cref="KeyService"/> (the plain content of <c>keys.json</c>).</summary>
internal sealed class KeyStoreDocument
{
    public List<MasterKeyDocument> Keys { get; set; } = [];

    /// <summary>Alias name (<c>alias/NAME</c>) to key id.</summary>
    public SortedDictionary<string, string> Aliases { get; set; } = new(StringComparer.Ordinal);
}
