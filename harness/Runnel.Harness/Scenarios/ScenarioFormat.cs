using System.Globalization;

namespace Runnel.Harness.Scenarios;

/// <summary>Number formatting shared by the scenarios' tables (invariant culture).</summary>
public static class ScenarioFormat
{
    /// <summary>A record size: 100 B, 1 KiB, 64 KiB.</summary>
    public static string Size(int bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB"),
        >= 1024 when bytes % 1024 == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>A number with up to <paramref name="decimals"/> decimals.</summary>
    public static string Number(double value, int decimals = 3)
        => value.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
}
