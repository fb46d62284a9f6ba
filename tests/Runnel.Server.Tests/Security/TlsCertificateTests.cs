using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Runnel.Server.Tls;
using Runnel.Testing;

namespace Runnel.Server.Tests.Security;

/// <summary>The TLS port: the user's certificate (PFX, PEM + key), the generated one kept across restarts, TLS only,
/// TLS 1.2 and 1.3.</summary>
public class TlsCertificateTests
{
    [Fact]
    public async Task GivenPfx_WithPassword_IsTheCertificateServed()
    {
        using var directory = new TempDirectory();
        using X509Certificate2 mine = CreateCertificate("CN=runnel-test-pfx");
        string pfx = Path.Combine(directory.Path, "mine.pfx");
        await File.WriteAllBytesAsync(pfx, mine.Export(X509ContentType.Pkcs12, "s3cret"));

        await using RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data") with
        {
            TlsCertificatePath = pfx,
            TlsCertificatePassword = "s3cret",
        });

        using X509Certificate2 served = await ServedCertificateAsync(server.TlsEndpoint!);
        Assert.Equal(mine.Thumbprint, served.Thumbprint);
        Assert.False(server.Certificate!.Generated);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, CertificateStore.PfxFileName)));
    }

    [Fact]
    public async Task GivenPemAndKeyFiles_IsTheCertificateServed()
    {
        using var directory = new TempDirectory();
        using X509Certificate2 mine = CreateCertificate("CN=runnel-test-pem");
        string certificate = Path.Combine(directory.Path, "cert.pem");
        string key = Path.Combine(directory.Path, "key.pem");
        await File.WriteAllTextAsync(certificate, mine.ExportCertificatePem());
        await File.WriteAllTextAsync(key, mine.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        await using RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data") with
        {
            TlsCertificatePath = certificate,
            TlsKeyPath = key,
        });

        using X509Certificate2 served = await ServedCertificateAsync(server.TlsEndpoint!);
        Assert.Equal(mine.Thumbprint, served.Thumbprint);
        Assert.Equal(certificate, server.Certificate!.PemPath);
    }

    [Fact]
    public async Task GivenPemWithEncryptedKey_AndPassword_IsTheCertificateServed()
    {
        using var directory = new TempDirectory();
        using X509Certificate2 mine = CreateCertificate("CN=runnel-test-encrypted");
        string certificate = Path.Combine(directory.Path, "cert.pem");
        string key = Path.Combine(directory.Path, "key.pem");
        await File.WriteAllTextAsync(certificate, mine.ExportCertificatePem());
        await File.WriteAllTextAsync(key, mine.GetRSAPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("k3y".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

        await using RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data") with
        {
            TlsCertificatePath = certificate,
            TlsKeyPath = key,
            TlsCertificatePassword = "k3y",
        });

        using X509Certificate2 served = await ServedCertificateAsync(server.TlsEndpoint!);
        Assert.Equal(mine.Thumbprint, served.Thumbprint);
    }

    [Fact]
    public async Task GivenPfx_WrongPassword_FailsToStartWithACryptographicError()
    {
        using var directory = new TempDirectory();
        using X509Certificate2 mine = CreateCertificate("CN=runnel-test-wrong-password");
        string pfx = Path.Combine(directory.Path, "mine.pfx");
        await File.WriteAllBytesAsync(pfx, mine.Export(X509ContentType.Pkcs12, "right"));

        await Assert.ThrowsAsync<CryptographicException>(() => RunnelServer.StartAsync(Options(directory, "data") with
        {
            TlsCertificatePath = pfx,
            TlsCertificatePassword = "wrong",
        }));
    }

    [Fact]
    public async Task GivenPemWithoutKey_FailsToStartNamingTheKeyFlag()
    {
        using var directory = new TempDirectory();
        using X509Certificate2 mine = CreateCertificate("CN=runnel-test-no-key");
        string certificate = Path.Combine(directory.Path, "cert.pem");
        await File.WriteAllTextAsync(certificate, mine.ExportCertificatePem());

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => RunnelServer.StartAsync(Options(directory, "data") with { TlsCertificatePath = certificate }));
        Assert.True(e is CryptographicException or InvalidOperationException, e.ToString());
    }

    [Fact]
    public async Task Generated_AcrossRestarts_IsKeptInTheDataDirectory()
    {
        using var directory = new TempDirectory();
        string first;
        string pfx;
        await using (RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data")))
        {
            using X509Certificate2 served = await ServedCertificateAsync(server.TlsEndpoint!);
            first = served.Thumbprint;
            Assert.True(server.Certificate!.Generated);
            pfx = Path.Combine(server.DataDirectory, CertificateStore.PfxFileName);
            Assert.Equal(pfx, server.Certificate.Path);
            Assert.True(File.Exists(Path.Combine(server.DataDirectory, CertificateStore.PemFileName)));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pfx));
            }
        }

        await using (RunnelServer again = await RunnelServer.StartAsync(Options(directory, "data")))
        {
            using X509Certificate2 served = await ServedCertificateAsync(again.TlsEndpoint!);
            Assert.Equal(first, served.Thumbprint);
        }
    }

    [Fact]
    public async Task TlsOnly_ServesNoPlainPort()
    {
        using var directory = new TempDirectory();

        await using RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data") with { TlsOnly = true });

        Assert.Null(server.PlainEndpoint);
        Assert.NotNull(server.TlsEndpoint);
        Assert.All(server.Endpoints, e => Assert.Equal(Uri.UriSchemeHttps, e.Scheme));
        using X509Certificate2 served = await ServedCertificateAsync(server.TlsEndpoint!);
        Assert.Equal(server.Certificate!.Certificate.Thumbprint, served.Thumbprint);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Handshake_Tls12Or13_IsAccepted(SslProtocols protocol)
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await RunnelServer.StartAsync(Options(directory, "data"));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.TlsEndpoint!.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null, // the tests compare it afterwards
        });

        Assert.Equal(protocol, ssl.SslProtocol);
    }

    private static RunnelServerOptions Options(TempDirectory directory, string data)
        => ServerFixture.Options(Path.Combine(directory.Path, data));

    private static X509Certificate2 CreateCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>The certificate the server presents in a TLS handshake.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(Uri endpoint)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, endpoint.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null, // the tests compare it afterwards
        });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }
}
