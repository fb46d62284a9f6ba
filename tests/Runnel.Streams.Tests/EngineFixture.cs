using Microsoft.Extensions.Time.Testing;
using Runnel.Storage.Io;
using Runnel.Streams.Storage;

namespace Runnel.Streams.Tests;

/// <summary>An engine on in-memory (or fault-injecting) storage with a fake clock and no status delays.</summary>
internal sealed class EngineFixture : IDisposable
{
    public static readonly StreamsOptions NoDelays = new()
    {
        CreateStreamDelay = TimeSpan.Zero,
        DeleteStreamDelay = TimeSpan.Zero,
        UpdateStreamDelay = TimeSpan.Zero,
        ConsumerDelay = TimeSpan.Zero,
        LimitsEnabled = false,
        ShardLog = new Runnel.Storage.Log.ShardLogOptions { SegmentMaxBytes = 64 * 1024 },
    };

    public EngineFixture(StreamsOptions? options = null, bool faultInjecting = false)
    {
        Options = options ?? NoDelays;
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Storage = faultInjecting ? new MemoryStreamStorage(static () => new FaultInjectingDevice()) : new MemoryStreamStorage();
        Engine = StreamEngine.Open(Options, Storage, Time);
    }

    public StreamsOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public MemoryStreamStorage Storage { get; }

    public StreamEngine Engine { get; private set; }

    /// <summary>Closes and reopens the engine on the same storage.</summary>
    public void Restart()
    {
        Engine.Dispose();
        Engine = StreamEngine.Open(Options, Storage, Time);
    }

    /// <summary>Loses power on every device (unsynced data lost or torn), then reopens.</summary>
    public void PowerLossAndRestart(int seed)
    {
        var random = new Random(seed);
        foreach (IStorageDevice device in Storage.Devices.Values)
        {
            ((FaultInjectingDevice)device).PowerLoss(random);
        }
        Engine = StreamEngine.Open(Options, Storage, Time);
    }

    public void Dispose() => Engine.Dispose();
}
