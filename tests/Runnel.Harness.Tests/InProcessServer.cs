using Microsoft.Extensions.Logging;
using Runnel.Server;
using Runnel.Streams;

namespace Runnel.Harness.Tests;

/// <summary>A <c>runnel serve</c> inside the test process for the harness's wire clients: plain port only, any free port.</summary>
internal static class InProcessServer
{
    /// <summary>Starts a server on <paramref name="dataDirectory"/>; streams are ACTIVE at once.</summary>
    public static Task<RunnelServer> StartAsync(string dataDirectory, bool limitsEnabled)
        => RunnelServer.StartAsync(new RunnelServerOptions
        {
            DataDirectory = dataDirectory,
            Port = 0,
            TlsPort = null,
            LogLevel = LogLevel.Warning,
            Streams = new StreamsOptions { CreateStreamDelay = TimeSpan.Zero, LimitsEnabled = limitsEnabled },
        });
}
