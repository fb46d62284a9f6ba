using System.Security.Cryptography.X509Certificates;

namespace Runnel.Server.Tls;

/// <summary>The certificate the TLS port serves, and where it came from.</summary>
/// <param name="Certificate">The certificate with its private key.</param>
/// <param name="Path">The file it was loaded from (the PFX when generated).</param>
/// <param name="PemPath">A PEM copy of the certificate alone, for <c>NODE_EXTRA_CA_CERTS</c> or
/// <c>AWS_CA_BUNDLE</c>; null for a given PFX.</param>
/// <param name="Generated">Whether Runnel generated it (now or on an earlier start).</param>
public sealed record ServerCertificate(X509Certificate2 Certificate, string Path, string? PemPath, bool Generated);
