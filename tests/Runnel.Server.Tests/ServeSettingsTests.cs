using System.Collections;
using Microsoft.Extensions.Logging;
using Runnel.Cli;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Server.Tests;

public class ServeSettingsTests
{
    [Fact]
    public void Layering_FlagsOverEnvironmentOverFileOverDefaults()
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(file, """
            {
              // comments are allowed
              "port": 1111, "tlsPort": 2222, "region": "eu-west-1", "data": "from-file",
              "createStreamMs": 5, "limits": "off", "initialStreams": [{"name": "a", "shards": 2}, "b:3"],
            }
            """);
        var environment = new Hashtable { ["RUNNEL_PORT"] = "3333", ["RUNNEL_REGION"] = "ap-south-1", ["RUNNEL_LOG_LEVEL"] = "debug" };
        var flags = new ServeSettings { Port = 4444 };

        ServeSettings layered = flags.Over(ServeSettings.FromEnvironment(environment)).Over(ServeSettings.FromJsonFile(file));
        RunnelServerOptions options = layered.ToServerOptions("/somewhere");

        Assert.Equal(4444, options.Port);                     // flag
        Assert.Equal("ap-south-1", options.Streams.Region);   // environment over file
        Assert.Equal(2222, options.TlsPort);                  // file
        Assert.Equal(Path.Combine(directory.Path, "from-file"), options.DataDirectory); // relative to the file
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Streams.CreateStreamDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Streams.DeleteStreamDelay); // default
        Assert.False(options.Streams.LimitsEnabled);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal([new StreamSeed("a", 2), new StreamSeed("b", 3)], options.InitialStreams);
        Assert.Equal("127.0.0.1", options.Host);
    }

    [Fact]
    public void Defaults_DataUnderInvocationDirectory()
    {
        RunnelServerOptions options = new ServeSettings().ToServerOptions("/home/user/project");
        Assert.Equal("/home/user/project/data", options.DataDirectory);
        Assert.Equal(4567, options.Port);
        Assert.Equal(4568, options.TlsPort);
        Assert.True(options.Streams.LimitsEnabled);
    }

    [Fact]
    public void SubscriptionLifetime_FromEachSource_ReachesTheEngineOptions()
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(file, """{"subscriptionLifetimeMs": 2000}""");
        var environment = new Hashtable { ["RUNNEL_SUBSCRIPTION_LIFETIME_MS"] = "3000" };

        Assert.Equal(TimeSpan.FromMinutes(5), new ServeSettings().ToServerOptions("/x").Streams.SubscriptionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(2), ServeSettings.FromJsonFile(file).ToServerOptions("/x").Streams.SubscriptionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(3), ServeSettings.FromEnvironment(environment).Over(ServeSettings.FromJsonFile(file))
            .ToServerOptions("/x").Streams.SubscriptionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(1), new ServeSettings { SubscriptionLifetimeMs = 1000 }
            .Over(ServeSettings.FromEnvironment(environment)).ToServerOptions("/x").Streams.SubscriptionLifetime);
        RunnelServerOptions zero = new ServeSettings { SubscriptionLifetimeMs = 0 }.ToServerOptions("/x");
        Assert.Throws<ArgumentOutOfRangeException>(zero.Validate);
    }

    [Fact]
    public void KeyPassphraseFile_FromJsonFile_IsReadRelativeToTheFileFirstLineOnly()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "pass.txt"), "sealed with this\nnot this\n");
        string file = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(file, """{"keyPassphraseFile": "pass.txt"}""");
        RunnelServerOptions options = ServeSettings.FromJsonFile(file).ToServerOptions("/elsewhere");
        Assert.Equal("sealed with this", options.KeyPassphrase);
        Assert.Equal("x.txt", ServeSettings.FromEnvironment(new Hashtable { ["RUNNEL_KEY_PASSPHRASE_FILE"] = "x.txt" }).KeyPassphraseFile);
    }

    [Fact]
    public void JsonFile_UnknownKey_Rejected()
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "bad.json");
        File.WriteAllText(file, """{"prot": 1}""");
        FormatException error = Assert.Throws<FormatException>(() => ServeSettings.FromJsonFile(file));
        Assert.Contains("'prot'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RUNNEL_PORT", "eighty")]
    [InlineData("RUNNEL_LIMITS", "maybe")]
    [InlineData("RUNNEL_DEVICE", "floppy")]
    public void Environment_BadValue_RejectedNamingTheVariable(string name, string value)
    {
        FormatException error = Assert.Throws<FormatException>(() => ServeSettings.FromEnvironment(new Hashtable { [name] = value }));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_Device_Parsed()
        => Assert.Equal(DeviceKind.Portable, ServeSettings.FromEnvironment(new Hashtable { ["RUNNEL_DEVICE"] = "portable" }).Device);

    [Theory]
    [InlineData("s1:2,s2:1", 2)]
    [InlineData(" s1 , s2:4 ", 2)]
    [InlineData("", 0)]
    public void StreamSeed_ParseList_Accepts(string text, int count)
        => Assert.Equal(count, StreamSeed.ParseList(text).Count);

    [Theory]
    [InlineData("s1:0")]
    [InlineData("s1:x")]
    [InlineData(":2")]
    public void StreamSeed_ParseList_RejectsBadEntries(string text)
        => Assert.Throws<FormatException>(() => StreamSeed.ParseList(text));

    [Fact]
    public void CommitLoops_Unset_LogsShareTheProcessWideLoops()
        => Assert.Same(LogCommitter.Shared, new ServeSettings().ToServerOptions("/x").Streams.ShardLog.Committer);

    [Fact]
    public void CommitLoops_Zero_EachLogCommitsAlone()
        => Assert.Null(new ServeSettings { CommitLoops = 0 }.ToServerOptions("/x").Streams.ShardLog.Committer);

    [Fact]
    public void CommitLoops_FromEachSource_ReachesTheShardLogOptions()
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(file, """{"commitLoops": 3}""");
        var environment = new Hashtable { ["RUNNEL_COMMIT_LOOPS"] = "5" };

        Assert.Equal(3, ServeSettings.FromJsonFile(file).ToServerOptions("/x").Streams.ShardLog.Committer?.LoopCount);
        Assert.Equal(5, ServeSettings.FromEnvironment(environment).Over(ServeSettings.FromJsonFile(file)).ToServerOptions("/x").Streams.ShardLog.Committer?.LoopCount);
        Assert.Equal(7, new ServeSettings { CommitLoops = 7 }.Over(ServeSettings.FromEnvironment(environment)).ToServerOptions("/x").Streams.ShardLog.Committer?.LoopCount);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(LogCommitter.MaxLoops + 1)]
    public void CommitLoops_OutOfRange_RejectedNamingTheFlag(int loops)
    {
        FormatException error = Assert.Throws<FormatException>(() => new ServeSettings { CommitLoops = loops }.ToServerOptions("/x"));
        Assert.StartsWith($"--commit-loops {loops}: give 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectIo_Unset_DeviceFilesUseThePageCache()
    {
        using var directory = new TempDirectory();
        using var device = (IoUringDevice)new ServeSettings { Device = DeviceKind.IoUring }.ToServerOptions("/x").DeviceFactory!(directory.Path);
        Assert.False(device.Options.Direct);
    }

    [Fact]
    public void DirectIo_FromEachSource_ReachesTheDevice()
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "runnel.json");
        File.WriteAllText(file, """{"directIo": "on", "device": "iouring"}""");
        var environment = new Hashtable { ["RUNNEL_DIRECT_IO"] = "off" };

        Assert.True(DirectOf(ServeSettings.FromJsonFile(file)));
        Assert.False(DirectOf(ServeSettings.FromEnvironment(environment).Over(ServeSettings.FromJsonFile(file))));
        Assert.True(DirectOf(new ServeSettings { DirectIo = true }.Over(ServeSettings.FromEnvironment(environment)).Over(ServeSettings.FromJsonFile(file))));

        bool DirectOf(ServeSettings settings)
        {
            using var device = (IoUringDevice)settings.ToServerOptions("/x").DeviceFactory!(Path.Combine(directory.Path, "data"));
            return device.Options.Direct;
        }
    }

    [Fact]
    public void DirectIo_BadEnvironmentValue_RejectedNamingTheVariable()
    {
        FormatException error = Assert.Throws<FormatException>(() => ServeSettings.FromEnvironment(new Hashtable { ["RUNNEL_DIRECT_IO"] = "maybe" }));
        Assert.Contains("RUNNEL_DIRECT_IO", error.Message, StringComparison.Ordinal);
    }
}
