using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Log;
using Runnel.Streams.Capacity;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>The data plane: PutRecord, PutRecords, GetShardIterator and GetRecords.</summary>
public sealed partial class StreamEngine
{
    private const int MaxPutRecordsCount = RecordMemberPaths.MaxRecords;
    private const int MaxPutRecordsBytes = 10 * 1024 * 1024;
    private const int MaxGetRecordsBytes = 10 * 1024 * 1024;
    private const long IteratorLifetimeMs = 300_000;
    private const int MaxBackpressureWaits = 1000;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Logs whose fail-stop was reported (StorageFailed is called once per log); only failed logs, so it stays small.
    private readonly HashSet<ShardLog> _reportedFailures = [];

    /// <summary>PutRecord: routes by ExplicitHashKey or MD5 of the partition key; completes once durable.</summary>
    public async ValueTask<PutRecordResult> PutRecordAsync(
        StreamRef stream,
        ReadOnlyMemory<byte> data,
        string partitionKey,
        string? explicitHashKey = null,
        string? sequenceNumberForOrdering = null)
    {
        long started = _time.GetTimestamp();
        (StreamState state, string? keyId) = ResolveForPut(stream);
        long bytes = -1; // until the record is durable: a failed call
        try
        {
            HashKey hashKey = ValidateRecord(state, data.Length, partitionKey, explicitHashKey, "data", "partitionKey", "explicitHashKey");
            if (sequenceNumberForOrdering is not null)
            {
                Validation.SequenceNumberPattern(sequenceNumberForOrdering, "sequenceNumberForOrdering");
                if (SequenceNumber.TryParse(sequenceNumberForOrdering, out _) != SequenceNumberParseStatus.Ok)
                {
                    throw KinesisException.Invalid(
                        $"ExclusiveMinimumSequenceNumber {sequenceNumberForOrdering} used in PutRecord on stream {state.Name} under account {_options.AccountId} is invalid.");
                }
                // Counters only grow, so every record of this shard gets a number above any earlier one: the
                // guarantee SequenceNumberForOrdering asks for holds without waiting.
            }
            MasterKeyVersion? master = keyId is null ? null : _keys.ForEncryption(keyId);
            (ShardState shard, AppendResult result) = await AppendAsync(state, hashKey, partitionKey, data, master).ConfigureAwait(false);
            bytes = data.Length + Encoding.UTF8.GetByteCount(partitionKey);
            return new PutRecordResult(shard.Id, shard.SequenceOf(result.Sequence), master is null ? "NONE" : "KMS");
        }
        finally
        {
            _metrics.PutRecord(state, bytes, _time.GetElapsedTime(started));
        }
    }

    /// <summary>GetShardIterator: a signed, 5-minute position in one shard (any of the five types).</summary>
    public string GetShardIterator(
        StreamRef stream,
        string shardId,
        ShardIteratorType type,
        string? startingSequenceNumber = null,
        DateTimeOffset? timestamp = null)
        => GetShardIterator(stream, shardId, type, startingSequenceNumber, timestamp, limited: true);

    private string GetShardIterator(
        StreamRef stream,
        string shardId,
        ShardIteratorType type,
        string? startingSequenceNumber,
        DateTimeOffset? timestamp,
        bool limited)
    {
        ArgumentNullException.ThrowIfNull(shardId);
        Validation.Name(shardId, "shardId");
        bool needsSequence = type is ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber;
        if (needsSequence != (startingSequenceNumber is not null))
        {
            throw KinesisException.Invalid(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or " +
                $"(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {WireNames.Of(type)} and " +
                (startingSequenceNumber is null ? "no StartingSequenceNumber." : "also a StartingSequenceNumber."));
        }
        if (type == ShardIteratorType.AtTimestamp && timestamp is null)
        {
            throw KinesisException.Invalid("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
        }
        if (startingSequenceNumber is not null)
        {
            Validation.SequenceNumberPattern(startingSequenceNumber, "startingSequenceNumber");
        }

        StreamState state;
        ShardState shard;
        lock (_lock)
        {
            state = Resolve(stream);
            RequireReadable(state);
            shard = ResolveShard(state, shardId);
        }
        if (limited && _options.LimitsEnabled && !shard.IteratorRate.TryRecord())
        {
            throw new KinesisException(KinesisErrorCode.ProvisionedThroughputExceeded,
                $"Rate exceeded for shard {shard.Id} in stream {state.Name} under account {_options.AccountId}.");
        }
        long now = NowMs();
        ulong counter;
        switch (type)
        {
            case ShardIteratorType.TrimHorizon:
                counter = 0; // reads start at the oldest record kept, wherever the horizon is then
                break;
            case ShardIteratorType.Latest:
                counter = shard.IsOpen ? shard.Log.CommittedNextSequence : shard.Document.EndingCounter!.Value + 1;
                break;
            case ShardIteratorType.AtTimestamp:
                long ms = timestamp!.Value.ToUnixTimeMilliseconds();
                if (ms > now)
                {
                    throw KinesisException.Invalid(
                        $"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {ms}, currentTimestampInMillis: {now}");
                }
                counter = shard.Log.AtTimestamp(ms).NextSequence;
                break;
            default:
                SequenceNumber position = ParseStartingSequence(state, shard, startingSequenceNumber!);
                counter = type == ShardIteratorType.AtSequenceNumber ? position.Counter : position.Counter + 1;
                break;
        }
        return new ShardIteratorToken(state.Name, state.Document.Tag, state.Document.CreatedMs, shard.Index, counter, now).Encode(_signer);
    }

    /// <summary>
    /// GetRecords: up to <paramref name="limit"/> records (default and maximum 10,000) and 10 MiB from the iterator's
    /// position. At the end of a closed shard: no NextShardIterator, and the shard's children.
    /// </summary>
    public GetRecordsResult GetRecords(string shardIterator, int? limit = null)
    {
        var records = new RecordList();
        GetRecordsEnd end = GetRecords(shardIterator, limit, records);
        return new GetRecordsResult(records, end.NextShardIterator, end.MillisBehindLatest, end.ChildShards);
    }

    /// <summary>
    /// GetRecords, each record handed to <paramref name="sink"/> as it is read (no <see cref="KinesisRecord"/>, no
    /// copy of its data); the same checks, limits, throttle and metrics as <see cref="GetRecords(string, int?)"/>.
    /// The sink may have taken records when this throws.
    /// </summary>
    public GetRecordsEnd GetRecords(string shardIterator, int? limit, IRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(shardIterator);
        ArgumentNullException.ThrowIfNull(sink);
        Validation.Length(shardIterator, "shardIterator", 1, 512);
        if (limit is { } l)
        {
            Validation.Range(l, "limit", 1, 10000);
        }
        long started = _time.GetTimestamp();
        long now = NowMs();
        (StreamState state, ShardState shard, ShardIteratorToken token, IReadOnlyList<ChildShard>? children) = OpenIterator(shardIterator, now);
        try
        {
            ReadPermit permit = shard.Throttle.TryBeginGetRecords();
            if (!permit.IsAccepted)
            {
                _metrics.ReadThrottled(state, shard);
                throw new KinesisException(KinesisErrorCode.ProvisionedThroughputExceeded,
                    $"Rate exceeded for shard {shard.Id} in stream {state.Name} under account {_options.AccountId}.");
            }
            long maxBytes = permit.MaxBytes > 0 ? Math.Min(permit.MaxBytes, MaxGetRecordsBytes) : MaxGetRecordsBytes;
            ShardRead read = ReadShard(state, shard, token, limit ?? 10000, maxBytes, now, sink);
            shard.Throttle.CompleteGetRecords(read.Bytes);
            var end = new GetRecordsEnd(read.Records, read.NextIterator, read.MillisBehindLatest, read.NextIterator is null ? ChildrenAtEnd(state, shard, children) : null);
            // CloudWatch's iterator age: now minus the arrival of the last record returned; 0 when none was (caught up).
            _metrics.GetRecords(state, shard, read.Records, read.Bytes, read.Records == 0 ? 0 : Math.Max(0, now - read.LastArrivalMs));
            return end;
        }
        finally
        {
            _metrics.GetRecordsLatency(state, _time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// One read for a subscription, of at most <paramref name="maxBytes"/> (at least one record): no GetRecords
    /// throttle (enhanced fan-out has its own 2 MiB/s, which sets the allowance).
    /// </summary>
    internal (SubscribeToShardEvent Event, string? NextIterator, long Bytes, StreamState Stream, ShardState Shard) ReadForSubscription(string iterator, long maxBytes)
    {
        (StreamState state, ShardState shard, ShardIteratorToken token, IReadOnlyList<ChildShard>? children) = OpenIterator(iterator, NowMs());
        var records = new RecordList();
        ShardRead read = ReadShard(state, shard, token, 10000, Math.Min(maxBytes, MaxGetRecordsBytes), NowMs(), records);
        SequenceNumber? continuation = read.NextIterator is null ? null : shard.SequenceOf(read.NextCounter - 1);
        return (new SubscribeToShardEvent(records, continuation, read.MillisBehindLatest, read.NextIterator is null ? ChildrenAtEnd(state, shard, children) : null),
            read.NextIterator, read.Bytes, state, shard);
    }

    /// <summary>The partition key as <see cref="KinesisRecord.PartitionKey"/> holds it (invalid UTF-8 becomes U+FFFD).</summary>
    internal static string DecodePartitionKey(ReadOnlySpan<byte> utf8) => s_strictUtf8.GetString(utf8);

    private readonly record struct ShardRead(int Records, string? NextIterator, ulong NextCounter, long MillisBehindLatest, long Bytes, long LastArrivalMs);

    private ShardRead ReadShard(StreamState state, ShardState shard, ShardIteratorToken token, int maxRecords, long maxBytes, long now, IRecordSink sink)
    {
        long cutoff = RetentionCutoffMs(state.Document, now);
        ulong? ending = shard.Document.EndingCounter;
        int records = 0;
        long lastArrivalMs = 0;
        LogCursor cursor = LogCursor.AtSequence(token.NextCounter);
        long bytes = 0;
        bool atTip = false;
        ulong? stoppedAt = null; // the counter to resume from when the 10 MiB cap cut a batch short
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        byte[]? plaintext = null; // decrypted records, when the shard has encrypted ones
        try
        {
            while (stoppedAt is null && records < maxRecords)
            {
                ReadResult read = shard.Log.Read(ref cursor, buffer, maxRecords - records);
                if (read.Status == ReadStatus.BufferTooSmall)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(read.RequiredBufferLength);
                    continue;
                }
                var frames = new FrameReader(buffer.AsSpan(0, read.Bytes));
                while (frames.TryNext(out RecordFrame frame))
                {
                    if (frame.TimestampMs < cutoff)
                    {
                        continue; // expired: retention drops whole segments, but expired records are never served
                    }
                    bool encrypted = frame.IsEncrypted;
                    long size = frame.Data.Length + frame.PartitionKey.Length - (encrypted ? RecordEnvelope.HeaderLength : 0);
                    if (records > 0 && bytes + size > maxBytes)
                    {
                        stoppedAt = frame.Sequence;
                        break;
                    }
                    if (encrypted)
                    {
                        WriteDecrypted(shard, frame, ref plaintext, sink);
                    }
                    else
                    {
                        sink.Write(new RecordView(shard.SequenceOf(frame.Sequence), frame.TimestampMs, frame.Data, frame.PartitionKey, encrypted: false));
                    }
                    records++;
                    lastArrivalMs = frame.TimestampMs;
                    bytes += size;
                }
                if (stoppedAt is null && read.Status == ReadStatus.Tip)
                {
                    atTip = true;
                    break;
                }
            }
        }
        catch (LogCorruptionException e)
        {
            throw new KinesisException(KinesisErrorCode.InternalFailure, "Internal Service Failure", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                ArrayPool<byte>.Shared.Return(plaintext);
            }
        }

        // Counter 0 is the shard's StartingSequenceNumber, below every record: the first record is 1.
        ulong next = Math.Max(Math.Max(stoppedAt ?? cursor.NextSequence, token.NextCounter), 1);
        long behind = atTip || records == 0 ? 0 : Math.Max(0, now - lastArrivalMs);
        if (ending is { } end && next > end)
        {
            return new ShardRead(records, null, next, behind, bytes, lastArrivalMs);
        }
        string nextIterator = new ShardIteratorToken(token.StreamName, token.StreamTag, token.StreamCreatedMs, token.ShardIndex, next, now).Encode(_signer);
        return new ShardRead(records, nextIterator, next, behind, bytes, lastArrivalMs);
    }

    private (StreamState State, ShardState Shard, ShardIteratorToken Token, IReadOnlyList<ChildShard>? Children) OpenIterator(string shardIterator, long now)
    {
        if (!ShardIteratorToken.TryDecode(_signer, shardIterator, out ShardIteratorToken token))
        {
            throw KinesisException.Invalid("Invalid ShardIterator.");
        }
        if (now - token.IssuedMs > IteratorLifetimeMs)
        {
            throw new KinesisException(KinesisErrorCode.ExpiredIterator,
                $"Iterator expired. The iterator was created at time {FormatJavaDate(token.IssuedMs)} while right now it is {FormatJavaDate(now)} which is further in the future than the tolerated delay of {IteratorLifetimeMs} milliseconds.");
        }
        lock (_lock)
        {
            if (!_streams.TryGetValue(token.StreamName, out StreamState? state) || !Settle(state)
                || state.Document.Tag != token.StreamTag || state.Document.CreatedMs != token.StreamCreatedMs
                || !state.Shards.TryGetValue(token.ShardIndex, out ShardState? shard))
            {
                throw KinesisException.NotFound(
                    $"Shard {new ShardId(token.ShardIndex)} in stream {token.StreamName} under account {_options.AccountId} does not exist");
            }
            return (state, shard, token, shard.IsOpen ? null : ChildrenOf(state, shard));
        }
    }

    /// <summary>Resolves a stream for a put, with the KeyId its records are encrypted with now (null when not).</summary>
    private (StreamState State, string? KeyId) ResolveForPut(StreamRef stream)
    {
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireReadable(state);
            return (state, state.Document.EncryptionType == "KMS" ? state.Document.KeyId : null);
        }
    }

    /// <summary>Decrypts one encrypted frame into <paramref name="plaintext"/> and hands it to <paramref name="sink"/>
    /// (corruption or a KMS error when it cannot be decrypted).</summary>
    private static void WriteDecrypted(ShardState shard, RecordFrame frame, ref byte[]? plaintext, IRecordSink sink)
    {
        ShardCipher cipher = shard.Cipher ?? throw new InvalidOperationException("The shard has no cipher.");
        int textLength = Math.Max(0, frame.PartitionKey.Length - RecordEnvelope.HeaderLength) + frame.Data.Length;
        if (plaintext is null || plaintext.Length < textLength)
        {
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                ArrayPool<byte>.Shared.Return(plaintext);
            }
            plaintext = null;
            plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(textLength, 4096));
        }
        int keyLength = cipher.Decrypt(frame, plaintext);
        sink.Write(new RecordView(shard.SequenceOf(frame.Sequence), frame.TimestampMs,
            plaintext.AsSpan(keyLength, textLength - keyLength), plaintext.AsSpan(0, keyLength), encrypted: true));
    }

    private StreamState ResolveForData(StreamRef stream)
    {
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireReadable(state);
            return state;
        }
    }

    private static HashKey ValidateRecord(StreamState state, int dataLength, string partitionKey, string? explicitHashKey,
        string dataPath, string keyPath, string hashPath)
        => ValidateRecord(state, dataLength, partitionKey, explicitHashKey, dataPath, keyPath, hashPath, hashPartitionKey: true);

    /// <summary>
    /// Checks a record against the stream's limits and returns its hash key: the explicit one, or the partition key's
    /// MD5; with <paramref name="hashPartitionKey"/> false the latter is left to the caller (default returned).
    /// </summary>
    private static HashKey ValidateRecord(StreamState state, int dataLength, string partitionKey, string? explicitHashKey,
        string dataPath, string keyPath, string hashPath, bool hashPartitionKey)
    {
        if (partitionKey is null)
        {
            throw KinesisException.ValidationFailed(null, keyPath, "Member must not be null");
        }
        Validation.Length(partitionKey, keyPath, 1, 256);
        int maxBytes = state.Document.MaxRecordSizeInKiB * 1024;
        int keyBytes = Encoding.UTF8.GetByteCount(partitionKey);
        Validation.BlobLength(dataLength, dataPath, maxBytes);
        if (dataLength + keyBytes > maxBytes)
        {
            throw KinesisException.ValidationFailed($"java.nio.HeapByteBuffer[pos=0 lim={dataLength} cap={dataLength}]", dataPath,
                $"Member must have length less than or equal to {maxBytes - keyBytes}");
        }
        if (explicitHashKey is null)
        {
            return hashPartitionKey ? PartitionKeyHasher.Hash(partitionKey) : default;
        }
        Validation.HashKeyPattern(explicitHashKey, hashPath);
        if (!HashKey.TryParse(explicitHashKey, out HashKey key))
        {
            throw KinesisException.Invalid(
                $"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {explicitHashKey}");
        }
        return key;
    }

    /// <summary>
    /// Appends one record to the open shard owning <paramref name="hashKey"/>, waiting out a resharding. Its state
    /// machine comes from a pool (PutRecords runs 500 of these per call, most completing after the shard's commit):
    /// so its ValueTask must be awaited once and only once, as every caller does.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ShardState Shard, AppendResult Result)> AppendAsync(
        StreamState state, HashKey hashKey, string partitionKey, ReadOnlyMemory<byte> data, MasterKeyVersion? master, bool admitted = false)
    {
        int backpressureWaits = 0;
        while (true)
        {
            Task topologyChanged = state.TopologyChanged;
            ShardState shard = state.Topology.Route(hashKey);
            if (!shard.TryBeginAppend())
            {
                await topologyChanged.ConfigureAwait(false);
                continue;
            }
            int bytes = data.Length + Encoding.UTF8.GetByteCount(partitionKey);
            if (admitted)
            {
                admitted = false; // charged by the caller (PutRecords' batch path) for this first try
            }
            else if (!AdmitWrite(state, shard, bytes))
            {
                shard.EndAppend();
                _metrics.WriteThrottled(state, shard);
                throw new KinesisException(KinesisErrorCode.ProvisionedThroughputExceeded,
                    $"Rate exceeded for shard {shard.Id} in stream {state.Name} under account {_options.AccountId}.");
            }
            ValueTask<AppendResult> append;
            bool accepted;
            try
            {
                accepted = master is null
                    ? TryAppendFrame(shard, partitionKey, data.Span, out append)
                    : TryAppendEncrypted(shard, master, partitionKey, data.Span, out append);
            }
            catch (StorageIOException e)
            {
                // The data key file could not be written: nothing was appended.
                throw new KinesisException(KinesisErrorCode.InternalFailure, "Internal Service Failure", e);
            }
            finally
            {
                shard.EndAppend();
            }
            if (!accepted)
            {
                // The shard's log is full of uncommitted records, reported without an exception (the common case of
                // a full log under load; a record too long for the ring reports it as LogBackpressureException below).
                if (!_options.LimitsEnabled && ++backpressureWaits <= MaxBackpressureWaits)
                {
                    await WaitForLogSpaceAsync(shard).ConfigureAwait(false);
                    continue;
                }
                throw LogFull(state, shard, null);
            }
            try
            {
                AppendResult appended = await append.ConfigureAwait(false);
                _metrics.ShardIncoming(state, shard, bytes);
                return (shard, appended);
            }
            catch (LogBackpressureException) when (!_options.LimitsEnabled && ++backpressureWaits <= MaxBackpressureWaits)
            {
                await WaitForLogSpaceAsync(shard).ConfigureAwait(false);
            }
            catch (LogBackpressureException e)
            {
                throw LogFull(state, shard, e);
            }
            catch (LogFailedException e)
            {
                ReportStorageFailure(state, shard, e);
                throw new KinesisException(KinesisErrorCode.InternalFailure, "Internal Service Failure", e);
            }
        }
    }

    /// <summary>
    /// Limits off: a shard's log ring is full of records its writer has not taken yet; wait until it takes them into
    /// the batch it commits (not for that batch's fdatasync, so the ring refills while it runs), after which the caller
    /// retries (routing again, since a resharding may have happened meanwhile).
    /// </summary>
    private static Task WaitForLogSpaceAsync(ShardState shard) => shard.Log.WhenTakenAsync();

    /// <summary>A full log with limits on (or after too many waits): the client's ProvisionedThroughputExceededException.</summary>
    private KinesisException LogFull(StreamState state, ShardState shard, LogBackpressureException? cause)
    {
        _metrics.WriteThrottled(state, shard);
        string message = $"Rate exceeded for shard {shard.Id} in stream {state.Name} under account {_options.AccountId}.";
        return cause is null
            ? new KinesisException(KinesisErrorCode.ProvisionedThroughputExceeded, message)
            : new KinesisException(KinesisErrorCode.ProvisionedThroughputExceeded, message, cause);
    }

    /// <summary>Tells <see cref="StreamsOptions.StorageFailed"/>, once per log, that a device error fail-stopped it.</summary>
    private void ReportStorageFailure(StreamState state, ShardState shard, LogFailedException failure)
    {
        Action<StorageFailure>? report = _options.StorageFailed;
        StorageIOException? device = null;
        for (Exception? cause = failure.InnerException; cause is not null && device is null; cause = cause.InnerException)
        {
            device = cause as StorageIOException;
        }
        if (report is null || failure.InnerException is null)
        {
            return; // no one to tell, or a log closed by the engine itself (not a device failure)
        }
        lock (_reportedFailures)
        {
            if (!_reportedFailures.Add(shard.Log))
            {
                return;
            }
        }
        report(new StorageFailure(state.Name, shard.Id.ToString(), ShardDirectory(state.Document, shard.Index), device?.FileName, device?.Errno ?? 0, failure));
    }

    /// <summary>The stream's on-demand capacity (if any), then the shard's limits; both or neither are charged.</summary>
    private static bool AdmitWrite(StreamState state, ShardState shard, int bytes)
    {
        OnDemandCapacity? onDemand = state.OnDemand;
        if (onDemand is not null && onDemand.TryAcquireWrite(bytes) != WriteDecision.Accepted)
        {
            return false;
        }
        if (shard.Throttle.TryAcquireWrite(bytes, 1) != WriteDecision.Accepted)
        {
            onDemand?.RefundWrite(bytes);
            return false;
        }
        onDemand?.RecordShardWrite(shard.Index, bytes);
        return true;
    }

    /// <summary>Appends a record; false when the shard's log is full (see <see cref="ShardLog.TryAppend(ReadOnlySpan{byte}, HashKey?, ReadOnlySpan{byte}, out ValueTask{AppendResult})"/>).</summary>
    private static bool TryAppendFrame(ShardState shard, string partitionKey, ReadOnlySpan<byte> data, out ValueTask<AppendResult> append)
    {
        Span<byte> key = stackalloc byte[FrameDescriptor.MaxPartitionKeyBytes];
        int length = Encoding.UTF8.GetBytes(partitionKey, key);
        return shard.Log.TryAppend(key[..length], null, data, out append);
    }

    /// <summary>Encrypts a record under the shard's current data key and appends it with the encrypted flag; false when the log is full.</summary>
    private static bool TryAppendEncrypted(ShardState shard, MasterKeyVersion master, string partitionKey, ReadOnlySpan<byte> data, out ValueTask<AppendResult> append)
    {
        byte[] envelope = SealEnvelope(shard, master, partitionKey, data, out int split, out int total);
        try
        {
            return shard.Log.TryAppendEncrypted(envelope.AsSpan(0, split), envelope.AsSpan(split, total - split), out append);
        }
        finally
        {
            ReturnEnvelope(envelope, total);
        }
    }

    /// <summary>
    /// The record encrypted under the shard's current data key, in a rented buffer: its first <paramref name="split"/>
    /// bytes (envelope header and key) and the <paramref name="total"/> - split after them (data and tag) are what the
    /// log's encrypted append takes. The caller gives it back with <see cref="ReturnEnvelope"/>.
    /// </summary>
    private static byte[] SealEnvelope(ShardState shard, MasterKeyVersion master, string partitionKey, ReadOnlySpan<byte> data, out int split, out int total)
    {
        ShardCipher cipher = shard.Cipher ?? throw new InvalidOperationException("The shard has no cipher.");
        int keyLength = Encoding.UTF8.GetByteCount(partitionKey);
        total = RecordEnvelope.HeaderLength + keyLength + data.Length;
        split = RecordEnvelope.HeaderLength + keyLength;
        byte[] envelope = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            Encoding.UTF8.GetBytes(partitionKey, envelope.AsSpan(RecordEnvelope.HeaderLength));
            data.CopyTo(envelope.AsSpan(RecordEnvelope.HeaderLength + keyLength));
            cipher.Encrypt(master, envelope.AsSpan(0, total), keyLength);
            return envelope;
        }
        catch
        {
            ReturnEnvelope(envelope, total);
            throw;
        }
    }

    /// <summary>Wipes (it held the record's plaintext) and returns an envelope from <see cref="SealEnvelope"/>.</summary>
    private static void ReturnEnvelope(byte[] envelope, int total)
    {
        CryptographicOperations.ZeroMemory(envelope.AsSpan(0, total));
        ArrayPool<byte>.Shared.Return(envelope);
    }

    private SequenceNumber ParseStartingSequence(StreamState state, ShardState shard, string text)
    {
        SequenceNumberParseStatus status = SequenceNumber.TryParse(text, out SequenceNumber number);
        if (status != SequenceNumberParseStatus.Ok || number.StreamTag != state.Document.Tag)
        {
            throw KinesisException.Invalid(
                $"StartingSequenceNumber {text} used in GetShardIterator on shard {shard.Id} in stream {state.Name} under account {_options.AccountId} is invalid because it did not come from this stream.");
        }
        if (number.ShardIndex != shard.Index || number.ShardCreationSeconds != shard.Document.CreatedSeconds)
        {
            throw KinesisException.Invalid(
                $"Invalid StartingSequenceNumber. It encodes {number.ShardId}, while it was used in a call to a shard with {shard.Id}");
        }
        return number;
    }

    /// <summary>The children at a closed shard's end (the shard may have closed after the iterator was opened).</summary>
    private IReadOnlyList<ChildShard> ChildrenAtEnd(StreamState state, ShardState shard, IReadOnlyList<ChildShard>? known)
    {
        if (known is { Count: > 0 })
        {
            return known;
        }
        lock (_lock)
        {
            return ChildrenOf(state, shard);
        }
    }

    /// <summary>The children of a closed shard, each with its parents. Holds _lock.</summary>
    private static List<ChildShard> ChildrenOf(StreamState state, ShardState shard)
    {
        var children = new List<ChildShard>();
        foreach (ShardState candidate in state.Shards.Values)
        {
            ShardDescription d = Describe(candidate);
            if (candidate.Document.Parent == shard.Index || candidate.Document.AdjacentParent == shard.Index)
            {
                var parents = new List<ShardId>();
                if (d.ParentShardId is { } p)
                {
                    parents.Add(p);
                }
                if (d.AdjacentParentShardId is { } a)
                {
                    parents.Add(a);
                }
                children.Add(new ChildShard(candidate.Id, parents, candidate.Range));
            }
        }
        return children;
    }

    private static string FormatJavaDate(long ms)
        => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);
}
