using System.Collections;
using Runnel.Cli;
using Runnel.Testing;

namespace Runnel.Server.Tests.Security;

/// <summary>The serve settings of the audit trail, the bind addresses and the allow-list: flags, RUNNEL_* and JSON.</summary>
public class NetworkAndAuditServeSettingsTests
{
    [Fact]
    public void FromEnvironment_AuditAndNetworkVariables_AreRead()
    {
        IDictionary environment = new Hashtable
        {
            ["RUNNEL_HOST"] = "127.0.0.1, ::1",
            ["RUNNEL_ALLOW_NETWORK"] = "10.0.0.0/8,127.0.0.1/32",
            ["RUNNEL_AUDIT"] = "on",
            ["RUNNEL_AUDIT_DIR"] = "/var/log/runnel",
            ["RUNNEL_AUDIT_MAX_FILE_MB"] = "5",
            ["RUNNEL_AUDIT_KEEP"] = "7",
        };

        RunnelServerOptions options = ServeSettings.FromEnvironment(environment).ToServerOptions("/base");

        Assert.Equal(["127.0.0.1", "::1"], options.BindAddresses);
        Assert.Equal(["10.0.0.0/8", "127.0.0.1/32"], options.AllowedNetworks);
        Assert.True(options.AuditEnabled);
        Assert.Equal("/var/log/runnel", options.AuditDirectory);
        Assert.Equal(5, options.AuditMaxFileMegabytes);
        Assert.Equal(7, options.AuditKeepFiles);
        options.Validate();
    }

    [Fact]
    public void FromJsonFile_ListsAndAuditKeys_AreRead()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(path, """
            {"host": ["127.0.0.1", "::1"], "allowNetwork": ["192.168.0.0/16"], "audit": true, "auditDir": "trail",
             "auditMaxFileMb": 10, "auditKeep": 3}
            """);

        RunnelServerOptions options = ServeSettings.FromJsonFile(path).ToServerOptions("/elsewhere");

        Assert.Equal(["127.0.0.1", "::1"], options.BindAddresses);
        Assert.Equal(["192.168.0.0/16"], options.AllowedNetworks);
        Assert.True(options.AuditEnabled);
        Assert.Equal(Path.Combine(directory.Path, "trail"), options.AuditDirectory);
        Assert.Equal(10, options.AuditMaxFileMegabytes);
        Assert.Equal(3, options.AuditKeepFiles);
    }

    [Fact]
    public void Defaults_AuditOffOneHostNoAllowList()
    {
        RunnelServerOptions options = new ServeSettings().ToServerOptions("/base");

        Assert.False(options.AuditEnabled);
        Assert.Null(options.AuditDirectory);
        Assert.Equal(["127.0.0.1"], options.BindAddresses);
        Assert.Empty(options.AllowedNetworks);
    }

    [Fact]
    public void Flags_OverEnvironment_Win()
    {
        var flags = new ServeSettings { Host = "::1", Audit = false, AuditKeep = 2 };
        var environment = new ServeSettings { Host = "127.0.0.1", Audit = true, AuditKeep = 9, AllowNetwork = "10.0.0.0/8" };

        RunnelServerOptions options = flags.Over(environment).ToServerOptions("/base");

        Assert.Equal(["::1"], options.BindAddresses);
        Assert.False(options.AuditEnabled);
        Assert.Equal(2, options.AuditKeepFiles);
        Assert.Equal(["10.0.0.0/8"], options.AllowedNetworks);
    }

    [Fact]
    public void ServeCommand_RepeatedFlags_ParseIntoLists()
    {
        var command = ServeCommand.Create();
        System.CommandLine.ParseResult parse = command.Parse(["--host", "127.0.0.1", "--host", "::1", "--allow-network", "10.0.0.0/8",
            "--allow-network", "127.0.0.0/8", "--audit", "--audit-keep", "4"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(["127.0.0.1", "::1"], parse.GetValue<string[]>("--host")!);
        Assert.Equal(["10.0.0.0/8", "127.0.0.0/8"], parse.GetValue<string[]>("--allow-network")!);
        Assert.Equal(4, parse.GetValue<int?>("--audit-keep"));
    }
}
