using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Runnel.Server.Tls;

/// <summary>
/// Finds the TLS port's certificate: the one configured (PFX, or PEM with its key), else a self-signed one kept in
/// the data directory as <c>runnel-cert.pfx</c> (certificate and key, readable by the owner only) and
/// <c>runnel-cert.pem</c> (certificate only, for clients to trust). The generated certificate names
/// <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, and is regenerated when it is about to expire. Stateless.
/// </summary>
public static class CertificateStore
{
    /// <summary>The file name of the generated certificate with its key.</summary>
    public const string PfxFileName = "runnel-cert.pfx";

    /// <summary>The file name of the generated certificate alone, PEM-encoded.</summary>
    public const string PemFileName = "runnel-cert.pem";

    private static readonly TimeSpan s_validity = TimeSpan.FromDays(5 * 365);
    private static readonly TimeSpan s_renewBefore = TimeSpan.FromDays(7);

    /// <summary>Loads the configured certificate, or loads (or generates) the one in <paramref name="dataDirectory"/>.</summary>
    public static ServerCertificate Load(RunnelServerOptions options, string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.TlsCertificatePath is { } given)
        {
            string path = Path.GetFullPath(given);
            string? keyPath = options.TlsKeyPath is null ? null : Path.GetFullPath(options.TlsKeyPath);
            X509Certificate2 certificate = IsPkcs12(path)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, options.TlsCertificatePassword)
                : options.TlsCertificatePassword is { } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath) // an encrypted PKCS#8 key
                    : X509Certificate2.CreateFromPemFile(path, keyPath);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"The TLS certificate {path} has no private key (give --tls-key).");
            }
            return new ServerCertificate(certificate, path, IsPkcs12(path) ? null : path, Generated: false);
        }
        string pfx = Path.Combine(dataDirectory, PfxFileName);
        string pem = Path.Combine(dataDirectory, PemFileName);
        if (File.Exists(pfx))
        {
            X509Certificate2 existing = X509CertificateLoader.LoadPkcs12FromFile(pfx, password: null);
            if (existing.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime + s_renewBefore && existing.HasPrivateKey)
            {
                if (!File.Exists(pem))
                {
                    WriteAtomically(pem, System.Text.Encoding.ASCII.GetBytes(existing.ExportCertificatePem() + "\n"), ownerOnly: false);
                }
                return new ServerCertificate(existing, pfx, pem, Generated: true);
            }
            existing.Dispose();
        }
        return Generate(pfx, pem, time);
    }

    /// <summary>Generates a self-signed certificate for the loopback names and writes both files.</summary>
    internal static ServerCertificate Generate(string pfxPath, string pemPath, TimeProvider time)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        // Self-signed and its own trust anchor: clients add the PEM to their CA list (NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE).
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = time.GetUtcNow();
        using X509Certificate2 created = request.CreateSelfSigned(now.AddDays(-1), now + s_validity);
        byte[] pfx = created.Export(X509ContentType.Pkcs12);
        WriteAtomically(pfxPath, pfx, ownerOnly: true);
        WriteAtomically(pemPath, System.Text.Encoding.ASCII.GetBytes(created.ExportCertificatePem() + "\n"), ownerOnly: false);
        // Reload from the PKCS#12 bytes so the key is usable by SslStream on every platform.
        X509Certificate2 loaded = X509CertificateLoader.LoadPkcs12(pfx, password: null);
        return new ServerCertificate(loaded, pfxPath, pemPath, Generated: true);
    }

    private static bool IsPkcs12(string path)
        => path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static void WriteAtomically(string path, byte[] contents, bool ownerOnly)
    {
        string temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
