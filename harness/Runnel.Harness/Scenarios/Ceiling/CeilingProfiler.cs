using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// An EventPipe trace of one .NET process (through its diagnostics port, as dotnet-trace does): the CPU sampler
/// (<c>Microsoft-DotNETCore-SampleProfiler</c>, a stack of every thread every millisecond) and the runtime's GC events,
/// with rundown at the end so that stacks resolve to methods, written to a <c>.nettrace</c> file. Dispose stops it.
/// </summary>
public sealed class CeilingProfiler : IAsyncDisposable
{
    /// <summary>How to look at a trace, printed with its path.</summary>
    public const string HowToOpen =
        "open it in PerfView (Windows) or Visual Studio, or convert it for https://www.speedscope.app with "
        + "`dotnet-trace convert --format Speedscope FILE.nettrace` (dotnet tool install -g dotnet-trace)";

    private const long GcKeyword = 0x1;

    private readonly EventPipeSession _session;
    private readonly Task _copy;

    private CeilingProfiler(EventPipeSession session, Task copy, string path, int processId)
    {
        _session = session;
        _copy = copy;
        Path = path;
        ProcessId = processId;
    }

    /// <summary>The trace file.</summary>
    public string Path { get; }

    /// <summary>The traced process.</summary>
    public int ProcessId { get; }

    /// <summary>Starts tracing <paramref name="processId"/> into <paramref name="path"/>.</summary>
    public static CeilingProfiler Start(int processId, string path)
    {
        EventPipeProvider[] providers =
        [
            new("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword),
        ];
        var client = new DiagnosticsClient(processId);
        EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 256);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        Task copy = CopyAsync(session.EventStream, file);
        return new CeilingProfiler(session, copy, path, processId);
    }

    /// <summary>Stops the session (the runtime then writes the rundown) and waits until the file is complete.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ServerNotAvailableException)
        {
            // the process exited: the stream ends by itself
        }
        await _copy.ConfigureAwait(false);
        _session.Dispose();
    }

    private static async Task CopyAsync(Stream events, FileStream file)
    {
        await using (file.ConfigureAwait(false))
        {
            await events.CopyToAsync(file).ConfigureAwait(false);
        }
    }
}
