using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>The engine in the harness process with Kinesis limits on and the system clock; storage keeps no data.</summary>
public sealed class EmbeddedShardLimitsTarget : IShardLimitsTarget
{
    private readonly StreamEngine _engine = StreamEngine.Open(SimulatedEngine.Options, new DiscardingStreamStorage(), TimeProvider.System);

    /// <inheritdoc/>
    public string Description => "embedded engine, real time";

    /// <inheritdoc/>
    public Task CreateStreamAsync(string stream, CancellationToken cancellationToken)
    {
        _engine.CreateStream(stream, shardCount: 1);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<int> PutRecordsAsync(string stream, int count, int recordBytes, CancellationToken cancellationToken)
    {
        var record = new PutRecordsEntry(new byte[recordBytes - 1], "k");
        PutRecordsResult result = await _engine.PutRecordsAsync(StreamRef.Named(stream), [.. Enumerable.Repeat(record, count)]).ConfigureAwait(false);
        return result.FailedRecordCount;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        return ValueTask.CompletedTask;
    }
}
