namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>Where the real-time <c>shard-limits</c> cases write: the embedded engine on the real clock, or a server over HTTP.</summary>
public interface IShardLimitsTarget : IAsyncDisposable
{
    /// <summary>What it is, for the report (e.g. <c>embedded</c> or the endpoint).</summary>
    string Description { get; }

    /// <summary>Creates a 1-shard PROVISIONED stream and waits until it is ACTIVE.</summary>
    Task CreateStreamAsync(string stream, CancellationToken cancellationToken);

    /// <summary>Puts <paramref name="count"/> records of <paramref name="recordBytes"/> (data plus the 1-byte key "k"); returns how many were throttled.</summary>
    Task<int> PutRecordsAsync(string stream, int count, int recordBytes, CancellationToken cancellationToken);
}
