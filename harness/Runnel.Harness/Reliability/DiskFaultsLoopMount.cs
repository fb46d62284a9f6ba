using System.Diagnostics;
using System.Globalization;

namespace Runnel.Harness.Reliability;

/// <summary>
/// A small ext4 file system in a file, loop-mounted (needs root): <c>truncate</c>, <c>mkfs.ext4</c>,
/// <c>mount -o loop</c>. Disposing unmounts it, detaches the loop device and deletes the image, whatever happened.
/// </summary>
internal sealed class DiskFaultsLoopMount : IAsyncDisposable
{
    private readonly string _image;
    private readonly string _mountPoint;
    private bool _mounted;

    private DiskFaultsLoopMount(string image, string mountPoint) => (_image, _mountPoint) = (image, mountPoint);

    /// <summary>Creates a <paramref name="megabytes"/> MiB ext4 image and mounts it at <paramref name="mountPoint"/>.</summary>
    /// <exception cref="InvalidOperationException">A tool failed (not root, no loop devices...); the message has its output.</exception>
    public static async Task<DiskFaultsLoopMount> CreateAsync(string image, string mountPoint, int megabytes)
    {
        var mount = new DiskFaultsLoopMount(image, mountPoint);
        try
        {
            Directory.CreateDirectory(mountPoint);
            await RunAsync("truncate", "-s", $"{megabytes}M", image).ConfigureAwait(false);
            // No reserved blocks and no journal: the space the test sees is the space there is.
            await RunAsync("mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal", image).ConfigureAwait(false);
            await RunAsync("mount", "-o", "loop", image, mountPoint).ConfigureAwait(false);
            mount._mounted = true;
            return mount;
        }
        catch
        {
            await mount.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Bytes an unprivileged writer could still use on the file system at <paramref name="path"/>.</summary>
    public static long FreeBytes(string path) => new DriveInfo(path).AvailableFreeSpace;

    /// <summary>Writes a file of <paramref name="bytes"/> zero bytes (really allocated, synced).</summary>
    public static void Fill(string path, long bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        byte[] block = new byte[1 << 16];
        for (long written = 0; written < bytes;)
        {
            int n = (int)Math.Min(block.Length, bytes - written);
            stream.Write(block, 0, n);
            written += n;
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes 4 KiB blocks to a new file until the file system refuses (ENOSPC); returns the bytes written.</summary>
    public static long FillToTheBrim(string path)
    {
        long written = 0;
        byte[] block = new byte[4096];
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            while (true)
            {
                stream.Write(block);
                written += block.Length;
            }
        }
        catch (IOException)
        {
            return written; // full
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            // umount detaches a loop device that mount -o loop set up; losetup -d covers the case where it did not.
            string devices = await TryRunAsync("losetup", "-j", _image).ConfigureAwait(false);
            await TryRunAsync("umount", _mountPoint).ConfigureAwait(false);
            foreach (string line in devices.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string device = line.Split(':')[0];
                if (device.StartsWith("/dev/loop", StringComparison.Ordinal))
                {
                    await TryRunAsync("losetup", "-d", device).ConfigureAwait(false);
                }
            }
            _mounted = false;
        }
        try
        {
            File.Delete(_image);
            if (Directory.Exists(_mountPoint) && !Directory.EnumerateFileSystemEntries(_mountPoint).Any())
            {
                Directory.Delete(_mountPoint);
            }
        }
        catch (IOException)
        {
            // still mounted (umount failed and said so above); left for the suite's trap
        }
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        (int exit, string output) = await ExecAsync(file, arguments).ConfigureAwait(false);
        return exit == 0 ? output : throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"{file} {string.Join(' ', arguments)} failed (exit {exit}; the loop-mounted case needs root): {output.Trim()}"));
    }

    private static async Task<string> TryRunAsync(string file, params string[] arguments)
    {
        try
        {
            return (await ExecAsync(file, arguments).ConfigureAwait(false)).Output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    private static async Task<(int Exit, string Output)> ExecAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
