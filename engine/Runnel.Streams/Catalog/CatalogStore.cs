using System.Text.Json;
using Runnel.Storage;
using Runnel.Storage.Io;

namespace Runnel.Streams.Catalog;

/// <summary>
/// Reads and durably replaces the catalog file: write <c>catalog.json.tmp</c>, fsync it, rename it over
/// <c>catalog.json</c>, fsync the directory. A crash at any point leaves either the old or the new catalog.
/// Not thread-safe: the engine calls it under its metadata lock.
/// </summary>
internal sealed class CatalogStore(IStorageDevice device)
{
    public const string FileName = "catalog.json";
    private const string TemporaryName = FileName + ".tmp";

    /// <summary>The stored catalog, or null when there is none yet.</summary>
    public CatalogDocument? Load()
    {
        if (device.FileExists(TemporaryName))
        {
            device.DeleteFile(TemporaryName); // a replacement that never completed
            device.SyncDirectory();
        }
        if (!device.FileExists(FileName))
        {
            return null;
        }
        byte[] bytes;
        using (IStorageFile file = device.OpenFile(FileName, create: false))
        {
            bytes = new byte[file.Length];
            file.Read(0, bytes);
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, CatalogJsonContext.Default.CatalogDocument)
                ?? throw new LogCorruptionException(FileName, 0, "the catalog is empty");
        }
        catch (JsonException e)
        {
            throw new LogCorruptionException(FileName, e.BytePositionInLine ?? 0, $"the catalog is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Replaces the catalog durably.</summary>
    public void Save(CatalogDocument document)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(document, CatalogJsonContext.Default.CatalogDocument);
        using (IStorageFile file = device.OpenFile(TemporaryName, create: true))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            file.Sync();
        }
        device.RenameFile(TemporaryName, FileName);
        device.SyncDirectory();
    }
}
