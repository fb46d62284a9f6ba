using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Runnel.Server.Transport;

/// <summary>
/// The connection features <see cref="PrefaceSniffer"/> sets on a cleartext connection that opened with the
/// HTTP/2 preface: ALPN says <c>h2</c>, so Kestrel's protocol selection serves HTTP/2. There is no client
/// certificate. Immutable; one shared instance.
/// </summary>
internal sealed class CleartextHttp2Features : ITlsConnectionFeature, ITlsApplicationProtocolFeature
{
    public static readonly CleartextHttp2Features Instance = new();

    private CleartextHttp2Features()
    {
    }

    public ReadOnlyMemory<byte> ApplicationProtocol => SslApplicationProtocol.Http2.Protocol;

    public X509Certificate2? ClientCertificate
    {
        get => null;
        set => throw new NotSupportedException("A cleartext connection has no client certificate.");
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken)
        => Task.FromResult<X509Certificate2?>(null);
}
