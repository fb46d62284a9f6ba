using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Runnel.Server.Network;
using Runnel.Server.Transport;

namespace Runnel.Server.Hosting;

/// <summary>Kestrel's endpoints and limits, from <see cref="RunnelServerOptions"/>. Stateless.</summary>
internal static class KestrelSetup
{
    public static void Configure(KestrelServerOptions kestrel, RunnelServerOptions options, Tls.ServerCertificate? certificate,
        ClientNetworkFilter? networks = null)
    {
        TransportLimits limits = options.Limits;
        kestrel.AddServerHeader = false;
        // h2c connections (PrefaceSniffer) carry :scheme http while the connection looks like TLS.
        kestrel.AllowAlternateSchemes = true;
        KestrelServerLimits k = kestrel.Limits;
        k.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        k.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes;
        k.MaxRequestLineSize = limits.MaxRequestLineBytes;
        k.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        k.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        k.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        k.KeepAliveTimeout = limits.KeepAliveTimeout;
        k.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinDataRateGracePeriod)
            : null;
        k.MinResponseDataRate = limits.MinResponseBytesPerSecond > 0
            ? new MinDataRate(limits.MinResponseBytesPerSecond, limits.MinDataRateGracePeriod)
            : null;
        k.Http2.MaxStreamsPerConnection = limits.MaxHttp2StreamsPerConnection;
        // Larger flow-control windows than Kestrel's defaults (768 KiB / 1 MiB) so a 13 MiB PutRecords body is not
        // throttled by window updates; the memory bound is per connection.
        k.Http2.InitialStreamWindowSize = 2 * 1024 * 1024;
        k.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
        k.Http2.MaxRequestHeaderFieldSize = limits.MaxRequestHeadersBytes;
        k.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        k.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

        // The allow-list runs first on every endpoint: a refused client is closed before TLS or HTTP reads a byte.
        Action<ListenOptions> filter = networks is { IsActive: true }
            ? listen => listen.Use(networks.Middleware)
            : _ => { };
        foreach (string host in options.BindAddresses)
        {
            if (!options.TlsOnly)
            {
                Listen(kestrel, host, options.Port, listen =>
                {
                    filter(listen);
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.Use(PrefaceSniffer.Middleware(limits.RequestHeadersTimeout));
                });
            }
            if (options.TlsPort is { } tlsPort && certificate is not null)
            {
                Listen(kestrel, host, tlsPort, listen =>
                {
                    filter(listen);
                    listen.Protocols = HttpProtocols.Http1AndHttp2; // ALPN offers h2 and http/1.1
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate.Certificate,
                        HandshakeTimeout = limits.RequestHeadersTimeout,
                        SslProtocols = MinimumTls,
                    });
                });
            }
        }
    }

    /// <summary>TLS 1.2 and 1.3 only: older versions are refused in the handshake.</summary>
    public const SslProtocols MinimumTls = SslProtocols.Tls12 | SslProtocols.Tls13;

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        switch (host)
        {
            case "localhost":
                kestrel.ListenLocalhost(port, configure);
                break;
            case "*" or "+":
                kestrel.ListenAnyIP(port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(host), port, configure);
                break;
        }
    }
}
