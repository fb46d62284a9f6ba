using System.Diagnostics;
using System.Text.Json;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// Installs a peer's npm package at a pinned version into its own cache directory
/// (<c>~/.cache/runnel/peers/NAME-VERSION</c>, by <c>npm install --prefix</c>) unless it is already there, and finds
/// <c>node</c>. Failures are returned as reasons, never thrown: a peer that cannot be installed is reported missing.
/// </summary>
public static class PeerInstaller
{
    /// <summary>The default cache root: <c>$XDG_CACHE_HOME/runnel/peers</c>, else <c>~/.cache/runnel/peers</c>.</summary>
    public static string DefaultCacheRoot
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(root, "runnel", "peers");
        }
    }

    /// <summary>
    /// The installed package directory (<c>PREFIX/node_modules/PACKAGE</c>) of <paramref name="package"/> at
    /// <paramref name="version"/>, installing it when missing; or the reason it could not be had.
    /// </summary>
    public static async Task<(string? PackageDirectory, string? Failure)> EnsureAsync(string cacheRoot, string package, string version, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string prefix = Path.Combine(cacheRoot, $"{package}-{version}");
        string packageDirectory = Path.Combine(prefix, "node_modules", package);
        if (InstalledVersion(packageDirectory) == version)
        {
            return (packageDirectory, null);
        }
        if (await RunAsync("node", ["--version"], null, TimeSpan.FromSeconds(20)).ConfigureAwait(false) is { } nodeFailure)
        {
            return (null, "node not found: " + nodeFailure);
        }
        log.WriteLine($"  installing {package}@{version} into {prefix} (npm)");
        Directory.CreateDirectory(prefix);
        string? failure = await RunAsync("npm", ["install", "--prefix", prefix, $"{package}@{version}", "--save-exact", "--no-audit", "--no-fund", "--loglevel=error"],
            null, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, $"npm install {package}@{version} failed: {failure}");
        }
        string? installed = InstalledVersion(packageDirectory);
        return installed == version
            ? (packageDirectory, null)
            : (null, $"npm install {package}@{version} left version {installed ?? "none"} in {packageDirectory}");
    }

    /// <summary>The version in <paramref name="packageDirectory"/>/package.json, or null when there is none.</summary>
    public static string? InstalledVersion(string packageDirectory)
    {
        string path = Path.Combine(packageDirectory, "package.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Runs a command to completion; null when it exited 0, else why not (with the end of its output).</summary>
    private static async Task<string?> RunAsync(string file, IReadOnlyList<string> arguments, string? directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return e.Message;
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return $"timed out after {timeout.TotalSeconds:0} s";
            }
            string output = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
            return process.ExitCode == 0 ? null : $"exit code {process.ExitCode}: {Tail(output)}";
        }
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= 600 ? text : "..." + text[^600..];
    }
}
