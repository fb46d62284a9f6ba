using Runnel.Storage.Log;

namespace Runnel.Streams;

/// <summary>Configuration of a <see cref="StreamEngine"/>. The knobs kinesalite and kinesis-mock users know are here.</summary>
public sealed record StreamsOptions
{
    /// <summary>The region in ARNs (default us-east-1).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The 12-digit account id in ARNs and messages (default 000000000000, as emulators use).</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>How long a new stream stays CREATING (kinesalite's default: 500 ms).</summary>
    public TimeSpan CreateStreamDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a deleted stream stays DELETING.</summary>
    public TimeSpan DeleteStreamDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an update (resharding, mode switch, encryption) keeps the stream UPDATING.</summary>
    public TimeSpan UpdateStreamDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a registered consumer stays CREATING and a deregistered one DELETING.</summary>
    public TimeSpan ConsumerDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The account's shard limit (provisioned streams), as DescribeLimits reports it.</summary>
    public int ShardLimit { get; init; } = 10_000;

    /// <summary>The account's on-demand stream limit.</summary>
    public int OnDemandStreamLimit { get; init; } = 50;

    /// <summary>Whether Kinesis's throughput and rate limits are enforced (default on; off for raw speed work).</summary>
    public bool LimitsEnabled { get; init; } = true;

    /// <summary>How long a SubscribeToShard subscription lives before the client must renew it (five minutes on AWS;
    /// shorter to test renewal).</summary>
    public TimeSpan SubscriptionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The template for every shard's log (segment size, index interval); retention comes from the stream.</summary>
    public ShardLogOptions ShardLog { get; init; } = new();

    /// <summary>
    /// Called once per shard log that fail-stops after a device error (the server logs it, naming the file); null to
    /// report nothing. Runs on the thread of the request that saw the failure, so it must be quick and must not throw.
    /// </summary>
    public Action<StorageFailure>? StorageFailed { get; init; }

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The account id must be 12 digits.", nameof(AccountId));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(Region);
        ArgumentOutOfRangeException.ThrowIfNegative(CreateStreamDelay.Ticks, nameof(CreateStreamDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(DeleteStreamDelay.Ticks, nameof(DeleteStreamDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(UpdateStreamDelay.Ticks, nameof(UpdateStreamDelay));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ShardLimit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SubscriptionLifetime, TimeSpan.Zero, nameof(SubscriptionLifetime));
        ShardLog.Validate();
    }
}
