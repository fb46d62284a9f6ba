namespace Runnel.Harness.CompareLog;

/// <summary>fio's sequential bandwidth on the data path's disk, in MB/s (10^6 bytes); null where not measured.</summary>
/// <param name="WriteMegabytesPerSecond">1 MiB blocks, O_DIRECT, io_uring, queue depth 8, sequential write.</param>
/// <param name="ReadMegabytesPerSecond">The same flags reading the file back after the page cache was dropped.</param>
/// <param name="Note">Why something is missing (fio absent, cache not dropped), or null.</param>
/// <param name="ReadAtStartMegabytesPerSecond">
/// When scan-cold ran after other cases, <paramref name="ReadMegabytesPerSecond"/> is fio's read of its file from the
/// start measured again just before the scans (data about as old as the logs they read), and this is the read
/// measured at the start; otherwise null.
/// </param>
public sealed record DiskMeasurement(double? WriteMegabytesPerSecond, double? ReadMegabytesPerSecond, string? Note, double? ReadAtStartMegabytesPerSecond = null);
