using System.Text.Json.Serialization;

namespace Runnel.Streams.Encryption;

/// <summary>Source-generated JSON for the key file (no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyFileDocument))]
[JsonSerializable(typeof(KeyStoreDocument))]
internal sealed partial class KeyStoreJsonContext : JsonSerializerContext
{
}
