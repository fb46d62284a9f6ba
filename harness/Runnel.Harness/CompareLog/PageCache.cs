namespace Runnel.Harness.CompareLog;

/// <summary>Drops the kernel's page cache (<c>sync; echo 3 &gt; /proc/sys/vm/drop_caches</c>); needs root.</summary>
public static class PageCache
{
    private const string DropCachesPath = "/proc/sys/vm/drop_caches";

    /// <summary>Syncs and drops the page cache; returns null on success or why it could not.</summary>
    public static string? TryDrop()
    {
        try
        {
            using (var sync = System.Diagnostics.Process.Start("sync"))
            {
                sync.WaitForExit();
            }
            File.WriteAllText(DropCachesPath, "3\n");
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.ComponentModel.Win32Exception)
        {
            return $"could not drop the page cache ({DropCachesPath}: {e.Message}); run as root for a cold scan";
        }
    }
}
