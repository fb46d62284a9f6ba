using FsCheck.Xunit;
using Runnel.Storage.Io;
using Runnel.Testing;

namespace Runnel.Storage.IoUring.Tests;

/// <summary>
/// Model-based property: any sequence of writes at random offsets and lengths (with and without the linked sync),
/// truncations and reopens leaves the file equal to a plain byte-array model, in length and in every byte.
/// Offsets and lengths deliberately straddle 4 KiB blocks, for the O_DIRECT read-modify-write path.
/// </summary>
public sealed class IoUringFilePropertyTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly IStorageDevice _buffered;
    private readonly IStorageDevice _direct;

    public IoUringFilePropertyTests()
    {
        _buffered = IoUringTestEnvironment.CreateDevice(Path.Combine(_directory.Path, "buffered"), direct: false);
        _direct = IoUringTestEnvironment.CreateDevice(Path.Combine(_directory.Path, "direct"), direct: true);
    }

    public void Dispose()
    {
        (_buffered as IDisposable)?.Dispose();
        (_direct as IDisposable)?.Dispose();
        _directory.Dispose();
    }

    [Property(MaxTest = 100)]
    public bool File_RandomWritesBuffered_MatchesByteArrayModel((byte Kind, ushort Offset, ushort Length)[] operations) =>
        Run(_buffered, operations);

    [Property(MaxTest = 100)]
    public bool File_RandomWritesDirect_MatchesByteArrayModel((byte Kind, ushort Offset, ushort Length)[] operations) =>
        Run(_direct, operations);

    private static bool Run(IStorageDevice device, (byte Kind, ushort Offset, ushort Length)[] operations)
    {
        string name = Guid.NewGuid().ToString("N");
        byte[] model = new byte[1 << 18];
        int length = 0;
        var random = new Random(operations.Length);
        IStorageFile file = device.OpenFile(name, create: true);
        try
        {
            foreach ((byte kind, ushort rawOffset, ushort rawLength) in operations)
            {
                int offset = rawOffset % Math.Min(length + 9000, 200_000); // mostly inside or just past the end
                int count = rawLength % 13_000;
                switch (kind % 8)
                {
                    case 0:
                    case 1:
                    case 2:
                    case 3:
                        byte[] data = new byte[count];
                        random.NextBytes(data);
                        if (kind % 2 == 0 || file is not IoUringFile uring)
                        {
                            file.Write(offset, data);
                        }
                        else
                        {
                            uring.WriteAndSync(offset, data);
                        }
                        data.CopyTo(model, offset);
                        length = count > 0 ? Math.Max(length, offset + count) : length; // an empty write extends nothing
                        break;
                    case 4:
                        int cut = rawOffset % (length + 1);
                        file.SetLength(cut);
                        Array.Clear(model, cut, model.Length - cut);
                        length = cut;
                        break;
                    case 5:
                        file.Sync();
                        break;
                    case 6:
                        file.Dispose();
                        file = device.OpenFile(name, create: false);
                        break;
                    case 7:
                        byte[] window = new byte[count];
                        int read = file.Read(offset, window);
                        if (read != Math.Clamp(length - offset, 0, count) || !window.AsSpan(0, read).SequenceEqual(model.AsSpan(offset, read)))
                        {
                            return false;
                        }
                        break;
                }
                if (file.Length != length)
                {
                    return false;
                }
            }
            byte[] all = new byte[length + 100];
            return file.Read(0, all) == length && all.AsSpan(0, length).SequenceEqual(model.AsSpan(0, length));
        }
        finally
        {
            file.Dispose();
        }
    }
}
