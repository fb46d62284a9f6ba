using System.Text.Json;

namespace Runnel.Harness.Scenarios;

/// <summary>Writes a scenario's report as indented JSON (camelCase names).</summary>
public static class ScenarioJson
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Serialises <paramref name="report"/> to <paramref name="path"/>, creating its directory.</summary>
    public static void Write<T>(string path, T report)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(path, JsonSerializer.Serialize(report, s_options) + "\n");
    }
}
