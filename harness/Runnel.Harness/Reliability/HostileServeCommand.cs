using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Runnel.Server;
using Runnel.Storage.IoUring;
using Runnel.Streams;

namespace Runnel.Harness.Reliability;

/// <summary>
/// The hidden <c>reliability-serve</c> command: the server side of <c>hostile</c> and <c>soak</c>, run by
/// <see cref="HostileServerProcess"/> in a child process of the harness. It hosts <see cref="RunnelServer"/> exactly as
/// <c>runnel serve</c> does (same options type, the io_uring device where usable, workstation GC as the CLI), but with
/// the transport limits given on the command line, so that a run can shorten the timeouts it measures. It prints one
/// line <c>RELIABILITY-SERVER-LISTENING http://...</c> when it listens and stops when its standard input closes, so
/// that it never outlives the harness.
/// </summary>
public static class HostileServeCommand
{
    /// <summary>The line prefix the parent waits for.</summary>
    public const string ListeningPrefix = "RELIABILITY-SERVER-LISTENING ";

    /// <summary>The prefix of the line the server prints every second: its managed heap and the GC's committed bytes, in MiB.</summary>
    public const string GcPrefix = "RELIABILITY-SERVER-GC ";

    /// <summary>Builds the (hidden) command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Required = true, HelpName = "DIR" };
        var limitsOn = new Option<bool>("--limits") { DefaultValueFactory = _ => true };
        var headersTimeoutMs = new Option<int?>("--headers-timeout-ms");
        var keepAliveMs = new Option<int?>("--keep-alive-ms");
        var graceMs = new Option<int?>("--data-rate-grace-ms");
        var maxHeaderBytes = new Option<int?>("--max-header-bytes");
        var maxBodyBytes = new Option<long?>("--max-body-bytes");
        var command = new Command("reliability-serve", "(internal) the server of the hostile and soak scenarios")
        {
            data, limitsOn, headersTimeoutMs, keepAliveMs, graceMs, maxHeaderBytes, maxBodyBytes,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellation) =>
        {
            var limits = new TransportLimits();
            limits = limits with
            {
                RequestHeadersTimeout = Ms(parse.GetValue(headersTimeoutMs)) ?? limits.RequestHeadersTimeout,
                KeepAliveTimeout = Ms(parse.GetValue(keepAliveMs)) ?? limits.KeepAliveTimeout,
                MinDataRateGracePeriod = Ms(parse.GetValue(graceMs)) ?? limits.MinDataRateGracePeriod,
                MaxRequestHeadersBytes = parse.GetValue(maxHeaderBytes) ?? limits.MaxRequestHeadersBytes,
                MaxRequestBodyBytes = parse.GetValue(maxBodyBytes) ?? limits.MaxRequestBodyBytes,
                ShutdownTimeout = TimeSpan.FromSeconds(5),
            };
            var options = new RunnelServerOptions
            {
                DataDirectory = parse.GetValue(data)!,
                Port = 0,
                TlsPort = null,
                Limits = limits,
                LogLevel = LogLevel.Warning,
                DeviceFactory = path => StorageDevices.Create(path, DeviceKind.Auto),
                Streams = new StreamsOptions { LimitsEnabled = parse.GetValue(limitsOn) },
            };
            await using RunnelServer server = await RunnelServer.StartAsync(options, cancellation).ConfigureAwait(false);
            Console.Out.WriteLine(ListeningPrefix + server.PlainEndpoint!.ToString());
            Console.Out.Flush();
            // The managed heap next to the resident set tells a leak of objects from native or GC-retained memory.
            using var gcReports = new CancellationTokenSource();
            Task reporting = Task.Run(async () =>
            {
                while (!gcReports.IsCancellationRequested)
                {
                    GCMemoryInfo info = GC.GetGCMemoryInfo();
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{GcPrefix}{GC.GetTotalMemory(false) / 1048576.0:0.0} {info.TotalCommittedBytes / 1048576.0:0.0}"));
                    Console.Out.Flush();
                    try
                    {
                        await Task.Delay(1000, gcReports.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }, CancellationToken.None);
            // The parent holds our standard input: end of file means it is gone or done with us.
            await Task.Run(() =>
            {
                while (Console.In.ReadLine() is not null)
                {
                }
            }, CancellationToken.None).ConfigureAwait(false);
            await gcReports.CancelAsync().ConfigureAwait(false);
            await reporting.ConfigureAwait(false);
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The flags that give <paramref name="limits"/> to the child (only the ones the scenarios change).</summary>
    public static IEnumerable<string> Arguments(TransportLimits limits, bool streamLimits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        yield return "--limits";
        yield return streamLimits ? "true" : "false";
        yield return "--headers-timeout-ms";
        yield return Whole(limits.RequestHeadersTimeout);
        yield return "--keep-alive-ms";
        yield return Whole(limits.KeepAliveTimeout);
        yield return "--data-rate-grace-ms";
        yield return Whole(limits.MinDataRateGracePeriod);
        yield return "--max-header-bytes";
        yield return limits.MaxRequestHeadersBytes.ToString(CultureInfo.InvariantCulture);
        yield return "--max-body-bytes";
        yield return limits.MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture);
    }

    private static string Whole(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static TimeSpan? Ms(int? milliseconds) => milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
