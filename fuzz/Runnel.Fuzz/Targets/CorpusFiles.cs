namespace Runnel.Fuzz.Targets;

/// <summary>
/// The committed inputs of a target: every file of fuzz/corpus/TARGET and fuzz/regressions/TARGET (names starting
/// with a dot are skipped), found from the running assembly's directory upwards. The replay tests run them all.
/// </summary>
internal static class CorpusFiles
{
    /// <summary>The inputs, as paths relative to fuzz/ (e.g. <c>corpus/json/put-record.json</c>), in name order.</summary>
    public static IEnumerable<string> For(string target)
    {
        string fuzz = FuzzDirectory();
        foreach (string kind in (string[])["corpus", "regressions"])
        {
            string directory = Path.Combine(fuzz, kind, target);
            if (!Directory.Exists(directory))
            {
                continue;
            }
            foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                if (!Path.GetFileName(file).StartsWith('.'))
                {
                    yield return Path.GetRelativePath(fuzz, file).Replace('\\', '/');
                }
            }
        }
    }

    /// <summary>The bytes of an input named as <see cref="For"/> names it.</summary>
    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(FuzzDirectory(), relativePath));

    private static string FuzzDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "fuzz", "corpus");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(directory.FullName, "fuzz");
            }
        }
        throw new DirectoryNotFoundException($"No fuzz/corpus directory above {AppContext.BaseDirectory}.");
    }
}
