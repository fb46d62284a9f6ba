using System.Globalization;
using System.Text;
using System.Text.Json;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Io;

namespace Runnel.Streams.Catalog;

/// <summary>
/// Reads and durably replaces the catalog file: write <c>catalog.json.tmp</c>, fsync it, rename it over
/// <c>catalog.json</c>, fsync the directory. A crash at any point leaves either the old or the new catalog.
/// Not thread-safe: the engine calls it under its metadata lock.
/// </summary>
/// <remarks>
/// The file is one header line, <c>RNNLCAT1 &lt;crc32c, 8 hex digits&gt; &lt;length&gt;\n</c>, then the JSON document
/// of exactly that many bytes, whose CRC-32C the header gives: bit rot, a torn or misdirected write, or a lost one is
/// reported as <see cref="LogCorruptionException"/> naming the file and byte, never read as a different catalog. A
/// file that starts with <c>{</c> is a catalog written before the header existed, read unchecked and rewritten with
/// one at the next change.
/// </remarks>
internal sealed class CatalogStore(IStorageDevice device)
{
    public const string FileName = "catalog.json";
    private const string TemporaryName = FileName + ".tmp";
    private const string Magic = "RNNLCAT1";
    private const int MaxHeaderLength = 64;

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
        int start = bytes.Length > 0 && bytes[0] == (byte)'{' ? 0 : CheckHeader(bytes);
        try
        {
            return JsonSerializer.Deserialize(bytes.AsSpan(start), CatalogJsonContext.Default.CatalogDocument)
                ?? throw new LogCorruptionException(FileName, start, "the catalog is empty");
        }
        catch (JsonException e)
        {
            throw new LogCorruptionException(FileName, start + (e.BytePositionInLine ?? 0), $"the catalog is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Replaces the catalog durably.</summary>
    public void Save(CatalogDocument document)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(document, CatalogJsonContext.Default.CatalogDocument);
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Magic} {Crc32C.Compute(json):x8} {json.Length}\n"));
        byte[] bytes = new byte[header.Length + json.Length];
        header.CopyTo(bytes, 0);
        json.CopyTo(bytes, header.Length);
        using (IStorageFile file = device.OpenFile(TemporaryName, create: true))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            file.Sync();
        }
        device.RenameFile(TemporaryName, FileName);
        device.SyncDirectory();
    }

    /// <summary>Checks the header line and the document's length and checksum; returns where the document starts.</summary>
    private static int CheckHeader(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new LogCorruptionException(FileName, 0, "the catalog is empty");
        }
        int newline = Array.IndexOf(bytes, (byte)'\n', 0, Math.Min(bytes.Length, MaxHeaderLength));
        string[] parts = newline < 0 ? [] : Encoding.ASCII.GetString(bytes, 0, newline).Split(' ');
        if (parts.Length != 3
            || parts[0] != Magic
            || parts[1].Length != 8
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint checksum)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            throw new LogCorruptionException(FileName, 0, "the catalog header is damaged");
        }
        int start = newline + 1;
        if (bytes.Length - start != length)
        {
            throw new LogCorruptionException(FileName, Math.Min(bytes.Length, start + (long)length),
                $"the catalog holds {bytes.Length - start} bytes of document, its header says {length}");
        }
        if (Crc32C.Compute(bytes.AsSpan(start)) != checksum)
        {
            throw new LogCorruptionException(FileName, start, "the catalog fails its checksum");
        }
        return start;
    }
}
