using Runnel.Harness.CompareLog;
using Runnel.Model;
using Runnel.Storage.IoUring;
using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// The engine in the harness process: a <see cref="StreamEngine"/> (limits off, no status delays) over a fresh data
/// directory per stream on the default storage device (io_uring where usable), wrapped to count group commits.
/// Producers call <see cref="StreamEngine.PutRecordsAsync"/>, which completes when every record is durable.
/// </summary>
public sealed class EmbeddedTarget(string dataRoot) : ICeilingTarget
{
    private static readonly StreamsOptions s_options = new()
    {
        CreateStreamDelay = TimeSpan.Zero,
        DeleteStreamDelay = TimeSpan.Zero,
        UpdateStreamDelay = TimeSpan.Zero,
        ConsumerDelay = TimeSpan.Zero,
        LimitsEnabled = false,
    };

    private readonly DeviceKind _device = StorageDevices.Resolve(DeviceKind.Auto);
    private readonly SyncCounter _commits = new();

    public CeilingMode Mode => CeilingMode.Embedded;

    public int? ServerProcessId => Environment.ProcessId;

    public string? DataPath => dataRoot;

    public string Device => _device == DeviceKind.IoUring ? "io_uring" : "portable (RandomAccess + fdatasync)";

    public long? EngineCommits => _commits.Commits;

    public Task<ICeilingStreamHandle> CreateStreamAsync(string name, CeilingWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        string directory = Path.Combine(dataRoot, name);
        Directory.CreateDirectory(directory);
        var storage = new FileStreamStorage(directory, path => new SyncCountingDevice(StorageDevices.Create(path, _device), _commits));
        StreamEngine engine = StreamEngine.Open(s_options, storage, TimeProvider.System);
        try
        {
            engine.CreateStream(name, workload.Shards);
            return Task.FromResult<ICeilingStreamHandle>(new Handle(engine, directory, StreamRef.Named(name), workload));
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>One stream on its own engine; disposing closes the engine and deletes its directory.</summary>
    private sealed class Handle : ICeilingStreamHandle
    {
        private const int MaxDistinctBatches = 256;

        private readonly StreamEngine _engine;
        private readonly string _directory;
        private readonly StreamRef _stream;
        private readonly int _shards;
        private readonly PutRecordsEntry[][] _batches;

        public Handle(StreamEngine engine, string directory, StreamRef stream, CeilingWorkload workload)
        {
            _engine = engine;
            _directory = directory;
            _stream = stream;
            _shards = workload.Shards;
            var data = new ReadOnlyMemory<byte>(workload.Data);
            _batches = new PutRecordsEntry[workload.DistinctBatches(MaxDistinctBatches)][];
            for (int b = 0; b < _batches.Length; b++)
            {
                _batches[b] = new PutRecordsEntry[workload.BatchRecords];
                for (int r = 0; r < workload.BatchRecords; r++)
                {
                    _batches[b][r] = new PutRecordsEntry(data, workload.Key(b, r));
                }
            }
        }

        public async Task<string?> PutAsync(int batch, CeilingLedger ledger, CancellationToken cancellationToken)
        {
            PutRecordsEntry[] entries = _batches[batch % _batches.Length];
            PutRecordsResult result;
            try
            {
                result = await _engine.PutRecordsAsync(_stream, entries).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ledger.Fail(entries.Length);
                return $"{e.GetType().Name}: {e.Message}";
            }
            string? error = null;
            foreach (PutRecordsResultEntry record in result.Records)
            {
                if (record.SequenceNumber is { } sequence)
                {
                    ledger.Ack(sequence.ShardIndex, sequence.Counter);
                }
                else
                {
                    ledger.Fail(1);
                    error ??= $"{record.ErrorCode}: {record.ErrorMessage}";
                }
            }
            return error;
        }

        public Task<long> CountStoredAsync(CancellationToken cancellationToken)
        {
            long stored = 0;
            for (int shard = 0; shard < _shards; shard++)
            {
                string? iterator = _engine.GetShardIterator(_stream, new ShardId(shard).ToString(), ShardIteratorType.TrimHorizon);
                while (iterator is not null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    GetRecordsResult page = _engine.GetRecords(iterator);
                    stored += page.Records.Count;
                    iterator = page.Records.Count == 0 ? null : page.NextShardIterator;
                }
            }
            return Task.FromResult(stored);
        }

        public ValueTask DisposeAsync()
        {
            _engine.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // a file still open elsewhere: the run's root is removed at the end
            }
            return ValueTask.CompletedTask;
        }
    }
}
