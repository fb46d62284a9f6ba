namespace Runnel.Harness.CompareLog;

/// <summary>The units cases report in.</summary>
public static class Units
{
    /// <summary>10^6 bytes of record data per second.</summary>
    public const string MegabytesPerSecond = "MB/s";

    /// <summary>Records per second.</summary>
    public const string RecordsPerSecond = "records/s";
}
