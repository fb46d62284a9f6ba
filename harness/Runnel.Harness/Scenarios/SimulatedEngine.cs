using Microsoft.Extensions.Time.Testing;
using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios;

/// <summary>The engine of a capacity scenario: Kinesis limits on, no status delays, a fake clock the scenario advances.</summary>
public sealed class SimulatedEngine : IDisposable
{
    /// <summary>The simulated start: 2023-11-14T22:13:20Z, a whole minute, so clock minutes and scenario minutes agree.</summary>
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    /// <summary>The engine's options: AWS limits enforced, every CREATING/UPDATING/DELETING delay zero.</summary>
    public static readonly StreamsOptions Options = new()
    {
        CreateStreamDelay = TimeSpan.Zero,
        DeleteStreamDelay = TimeSpan.Zero,
        UpdateStreamDelay = TimeSpan.Zero,
        ConsumerDelay = TimeSpan.Zero,
        LimitsEnabled = true,
    };

    /// <summary>Opens an engine on <paramref name="storage"/> at <see cref="Start"/>.</summary>
    public SimulatedEngine(IStreamStorage storage)
    {
        Time = new FakeTimeProvider(Start);
        Engine = StreamEngine.Open(Options, storage, Time);
    }

    /// <summary>The clock; only the scenario moves it.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The engine.</summary>
    public StreamEngine Engine { get; }

    /// <summary>Simulated time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Time.GetUtcNow() - Start;

    /// <inheritdoc/>
    public void Dispose() => Engine.Dispose();
}
