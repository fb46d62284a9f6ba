using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// Runs fio (installing it from apt when missing) for the disk's sequential bandwidth: 1 MiB blocks, O_DIRECT,
/// <c>ioengine=io_uring</c>, <c>iodepth=8</c>; a write, then a read of the same file after dropping the page cache.
/// Parses fio's JSON output (<c>jobs[0].write.bw_bytes</c>, <c>jobs[0].read.bw_bytes</c>).
/// </summary>
public static class Fio
{
    /// <summary>The file <see cref="MeasureAsync"/> writes and reads under its directory.</summary>
    private static string FileIn(string directory) => Path.Combine(directory, "fio-seq.dat");

    /// <summary>
    /// Measures the disk under <paramref name="directory"/>, writing a file of <paramref name="sizeBytes"/> and reading
    /// it back; the file is deleted unless <paramref name="keepFile"/> (for <see cref="ReadAgainAsync"/>).
    /// </summary>
    public static async Task<DiskMeasurement> MeasureAsync(string directory, long sizeBytes, TimeSpan runtime, TextWriter log, bool keepFile = false)
    {
        string? missing = await EnsureInstalledAsync(log).ConfigureAwait(false);
        if (missing is not null)
        {
            return new DiskMeasurement(null, null, missing);
        }
        string file = FileIn(directory);
        bool measured = false;
        try
        {
            string common = Common(file, sizeBytes, runtime);
            (double? write, string? writeError) = await RunAsync($"--name=seqwrite --rw=write {common}", "write").ConfigureAwait(false);
            if (write is null)
            {
                return new DiskMeasurement(null, null, writeError);
            }
            string? notCold = PageCache.TryDrop();
            (double? read, string? readError) = await RunAsync($"--name=seqread --rw=read {common}", "read").ConfigureAwait(false);
            measured = read is not null;
            return new DiskMeasurement(write, read, readError ?? notCold);
        }
        finally
        {
            if (!keepFile || !measured)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Reads the file a <see cref="MeasureAsync"/> with <c>keepFile</c> left under <paramref name="directory"/> once
    /// more (page cache dropped first), then deletes it: the disk's read bandwidth for data as old as that file.
    /// </summary>
    public static async Task<(double? MegabytesPerSecond, string? Error)> ReadAgainAsync(string directory, long sizeBytes, TimeSpan runtime)
    {
        string file = FileIn(directory);
        try
        {
            if (!File.Exists(file))
            {
                return (null, "fio's file from the start of the run is gone");
            }
            string? notCold = PageCache.TryDrop();
            (double? read, string? error) = await RunAsync($"--name=seqread --rw=read {Common(file, sizeBytes, runtime)}", "read").ConfigureAwait(false);
            return (read, error ?? notCold);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Common(string file, long sizeBytes, TimeSpan runtime) => string.Create(CultureInfo.InvariantCulture,
        $"--filename={file} --bs=1M --direct=1 --ioengine=io_uring --iodepth=8 --size={sizeBytes} --runtime={(int)runtime.TotalSeconds} --output-format=json");

    private static async Task<string?> EnsureInstalledAsync(TextWriter log)
    {
        if (await ExitCodeAsync("fio", "--version").ConfigureAwait(false) == 0)
        {
            return null;
        }
        log.WriteLine("fio is not installed; trying `apt-get install -y fio` ...");
        int code = await ExitCodeAsync("apt-get", "install -y fio").ConfigureAwait(false);
        if (code != 0)
        {
            await ExitCodeAsync("apt-get", "update").ConfigureAwait(false);
            code = await ExitCodeAsync("apt-get", "install -y fio").ConfigureAwait(false);
        }
        if (code == 0 && await ExitCodeAsync("fio", "--version").ConfigureAwait(false) == 0)
        {
            return null;
        }
        const string Message = "fio is missing and `apt-get install -y fio` failed (needs root and the Debian mirror): "
            + "the disk figures and the targets relative to them are not measured. Install fio and run again.";
        log.WriteLine(Message);
        return Message;
    }

    private static async Task<(double? MegabytesPerSecond, string? Error)> RunAsync(string arguments, string direction)
    {
        var info = new ProcessStartInfo("fio", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("fio did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        string output = await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            return (null, $"fio {direction} failed (exit {process.ExitCode}): {errors.Trim()}");
        }
        try
        {
            // fio may print notes before the JSON document.
            int brace = output.IndexOf('{', StringComparison.Ordinal);
            using JsonDocument document = JsonDocument.Parse(output[Math.Max(brace, 0)..]);
            JsonElement job = document.RootElement.GetProperty("jobs")[0];
            double bytesPerSecond = job.GetProperty(direction).GetProperty("bw_bytes").GetDouble();
            return (bytesPerSecond / 1e6, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return (null, $"fio {direction}: could not read its JSON output ({e.Message})");
        }
    }

    private static async Task<int> ExitCodeAsync(string program, string arguments)
    {
        try
        {
            var info = new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // not found
        }
    }
}
