using Runnel.Cli;
using Runnel.Security.Authentication;
using Runnel.Testing;

namespace Runnel.Server.Tests.Authentication;

public class ServeSettingsAuthTests
{
    [Fact]
    public void Environment_AuthAndCredentials_Parsed()
    {
        var environment = new Dictionary<string, string> { ["RUNNEL_AUTH"] = "SigV4", ["RUNNEL_CREDENTIALS"] = "creds.json" };
        RunnelServerOptions options = ServeSettings.FromEnvironment(environment).ToServerOptions("/base");
        Assert.Equal(AuthenticationMode.SigV4, options.Authentication);
        Assert.Equal("/base/creds.json", options.CredentialsPath);
    }

    [Fact]
    public void Defaults_NoAuthentication()
    {
        RunnelServerOptions options = new ServeSettings().ToServerOptions("/base");
        Assert.Equal(AuthenticationMode.None, options.Authentication);
        Assert.Null(options.CredentialsPath);
    }

    [Fact]
    public void Environment_UnknownAuth_RejectedNamingTheVariable()
    {
        FormatException e = Assert.Throws<FormatException>(() => ServeSettings.FromEnvironment(new Dictionary<string, string> { ["RUNNEL_AUTH"] = "basic" }));
        Assert.Equal("RUNNEL_AUTH='basic' is not one of none, sigv4.", e.Message);
    }

    [Fact]
    public void JsonFile_AuthAndCredentials_RelativeToTheFile()
    {
        using var directory = new TempDirectory();
        string config = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(config, """{"auth": "sigv4", "credentials": "keys/creds.json"}""");
        ServeSettings file = ServeSettings.FromJsonFile(config);
        ServeSettings layered = new ServeSettings { Auth = AuthenticationMode.None }.Over(file);
        RunnelServerOptions options = layered.ToServerOptions("/elsewhere");
        Assert.Equal(AuthenticationMode.None, options.Authentication); // the flag wins over the file
        Assert.Equal(Path.Combine(directory.Path, "keys", "creds.json"), options.CredentialsPath);
    }
}
