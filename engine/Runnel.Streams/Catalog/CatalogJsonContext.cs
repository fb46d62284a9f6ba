using System.Text.Json.Serialization;

namespace Runnel.Streams.Catalog;

/// <summary>Source-generated JSON for the catalog file (no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext
{
}
