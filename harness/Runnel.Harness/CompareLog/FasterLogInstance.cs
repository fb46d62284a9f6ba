using FASTER.core;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// One FasterLog 2.6.5 with the settings of perf-anchors.md section 3.4: <c>Devices.CreateLogDevice</c> (on Linux a
/// <c>ManagedLocalStorageDevice</c>, O_SYNC buffered writes), 4 MiB pages, a 64 MiB buffer, 1 GiB segments, no
/// checksum, <c>FastCommitMode</c> off, <c>MutableFraction</c> 0, the default commit manager in the same directory.
/// </summary>
public sealed class FasterLogInstance : IDisposable
{
    private readonly IDevice _device;

    private FasterLogInstance(IDevice device, FasterLog log)
    {
        _device = device;
        Log = log;
    }

    /// <summary>The log.</summary>
    public FasterLog Log { get; }

    /// <summary>Opens a new log in <paramref name="directory"/>, or recovers the one there when <paramref name="recover"/> is set.</summary>
    public static FasterLogInstance Open(string directory, bool recover)
    {
        Directory.CreateDirectory(directory);
        IDevice device = Devices.CreateLogDevice(
            Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: recover);
        try
        {
            var settings = new FasterLogSettings
            {
                LogDevice = device,
                LogCommitDir = directory,
                PageSizeBits = 22,
                MemorySizeBits = 26,
                SegmentSizeBits = 30,
                MutableFraction = 0,
                LogChecksum = LogChecksumType.None,
                FastCommitMode = false,
                TryRecoverLatest = recover,
            };
            return new FasterLogInstance(device, new FasterLog(settings));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Closes the log, then its device.</summary>
    public void Dispose()
    {
        Log.Dispose();
        _device.Dispose();
    }
}
