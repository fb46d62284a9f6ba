using System.Buffers;
using System.Text;
using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Log;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Metrics;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>
/// PutRecords: the call's records of each shard go to that shard's log as one <see cref="AppendBatch"/> (one
/// acknowledgement per shard and call, not per record), in request order.
/// </summary>
public sealed partial class StreamEngine
{
    /// <summary>
    /// PutRecords: up to 500 records and 10 MiB; each record succeeds or fails on its own (ErrorCode and
    /// ErrorMessage), in request order.
    /// </summary>
    /// <remarks>
    /// Each record, in request order, is routed, admitted (on-demand capacity, then the shard's throttle) and added to
    /// its shard's batch, which claims its place in the log's ring at once: so a shard's records of one call keep
    /// request order, exactly as one-by-one appends would, and records of different calls interleave as before. A
    /// shard whose log is full makes that record wait (limits off) or answers it as throttled (limits on), as for a
    /// single append. A record the batch does not take (longer than the ring, a closed or failed log, a shard being
    /// resharded) is appended on its own, still in order. Then every batch is closed and awaited once.
    /// </remarks>
    public async ValueTask<PutRecordsResult> PutRecordsAsync(StreamRef stream, IReadOnlyList<PutRecordsEntry> records)
    {
        long started = _time.GetTimestamp();
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw KinesisException.ValidationFailed("[]", "records", "Member must have length greater than or equal to 1");
        }
        if (records.Count > MaxPutRecordsCount)
        {
            throw KinesisException.ValidationFailed($"[{records.Count} records]", "records",
                $"Member must have length less than or equal to {MaxPutRecordsCount}");
        }
        (StreamState state, string? keyId) = ResolveForPut(stream);
        PutRecordsOutcome? outcome = null; // null until the records were appended: the call failed as a whole
        try
        {
            var keys = new HashKey[records.Count];
            long total = 0;
            for (int i = 0; i < records.Count; i++)
            {
                PutRecordsEntry entry = records[i];
                RecordMemberPaths paths = RecordMemberPaths.Of(i);
                keys[i] = ValidateRecord(state, entry.Data.Length, entry.PartitionKey, entry.ExplicitHashKey,
                    paths.Data, paths.PartitionKey, paths.ExplicitHashKey, hashPartitionKey: false);
                total += entry.Data.Length + Encoding.UTF8.GetByteCount(entry.PartitionKey);
            }
            if (total > MaxPutRecordsBytes)
            {
                throw KinesisException.Invalid("Records size exceeds 10 MB limit");
            }
            HashPartitionKeys(records, keys);

            MasterKeyVersion? master = keyId is null ? null : _keys.ForEncryption(keyId);
            var call = new PutRecordsCall(records.Count);
            call.Plan(state.Topology, keys);
            try
            {
                for (int i = 0; i < records.Count; i++)
                {
                    await AddRecordAsync(state, call, i, keys[i], records[i], master).ConfigureAwait(false);
                }
                outcome = await AnswerAsync(state, call, records).ConfigureAwait(false);
            }
            catch
            {
                // Unexpected (per-record failures are answered, not thrown): the batches opened so far hold records in
                // their logs' rings; they go back to their pools once their logs have answered them.
                await call.AbandonAsync().ConfigureAwait(false);
                throw;
            }
            return new PutRecordsResult(outcome.Value.Total - outcome.Value.Successful, call.Results, master is null ? "NONE" : "KMS");
        }
        finally
        {
            _metrics.PutRecords(state, outcome, _time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// The MD5 hash keys of the call's records without an explicit hash key, all in one
    /// <see cref="PartitionKeyHasher.Hash(ReadOnlySpan{string}, Span{HashKey})"/> (16 or 8 keys per SIMD vector).
    /// </summary>
    private static void HashPartitionKeys(IReadOnlyList<PutRecordsEntry> records, HashKey[] keys)
    {
        string[] partitionKeys = ArrayPool<string>.Shared.Rent(records.Count);
        int[] owners = ArrayPool<int>.Shared.Rent(records.Count);
        HashKey[] hashes = ArrayPool<HashKey>.Shared.Rent(records.Count);
        int count = 0;
        try
        {
            for (int i = 0; i < records.Count; i++)
            {
                if (records[i].ExplicitHashKey is null)
                {
                    partitionKeys[count] = records[i].PartitionKey;
                    owners[count++] = i;
                }
            }
            PartitionKeyHasher.Hash(partitionKeys.AsSpan(0, count), hashes);
            for (int j = 0; j < count; j++)
            {
                keys[owners[j]] = hashes[j];
            }
        }
        finally
        {
            partitionKeys.AsSpan(0, count).Clear();
            ArrayPool<string>.Shared.Return(partitionKeys);
            ArrayPool<int>.Shared.Return(owners);
            ArrayPool<HashKey>.Shared.Return(hashes);
        }
    }

    /// <summary>Routes, admits and adds one record to its shard's batch (or appends it alone, or answers it).</summary>
    private ValueTask AddRecordAsync(StreamState state, PutRecordsCall call, int i, HashKey hashKey, PutRecordsEntry record, MasterKeyVersion? master)
    {
        int backpressureWaits = 0;
        while (true)
        {
            ShardState shard = state.Topology.Route(hashKey);
            if (!shard.TryBeginAppend())
            {
                // Being resharded: the single path waits for the new topology.
                call.AppendAlone(i, AppendAsync(state, hashKey, record.PartitionKey, record.Data, master));
                return ValueTask.CompletedTask;
            }
            AppendBatchStatus status;
            try
            {
                int bytes = record.Data.Length + Encoding.UTF8.GetByteCount(record.PartitionKey);
                if (!AdmitWrite(state, shard, bytes))
                {
                    call.Answer(i, Throttled(state, shard), throttled: true);
                    return ValueTask.CompletedTask;
                }
                AppendBatch batch = call.BatchOf(shard, call.Results.Length - i);
                status = batch.Count == batch.Capacity ? AppendBatchStatus.AppendAlone
                    : master is null ? AddFrame(batch, record.PartitionKey, record.Data.Span)
                    : AddEncrypted(shard, batch, master, record.PartitionKey, record.Data.Span);
                if (status == AppendBatchStatus.Added)
                {
                    call.Added(i, batch);
                    return ValueTask.CompletedTask;
                }
            }
            catch (StorageIOException)
            {
                // The data key file could not be written: nothing was appended.
                call.Answer(i, s_internalFailure, throttled: false);
                return ValueTask.CompletedTask;
            }
            finally
            {
                shard.EndAppend();
            }
            if (status == AppendBatchStatus.AppendAlone)
            {
                // Too long for the ring, or a closed or failed log: the single path answers it exactly as before
                // (admitted already for this try).
                call.AppendAlone(i, AppendAsync(state, hashKey, record.PartitionKey, record.Data, master, admitted: true));
                return ValueTask.CompletedTask;
            }
            // The shard's log is full of uncommitted records.
            if (_options.LimitsEnabled || ++backpressureWaits > MaxBackpressureWaits)
            {
                call.Answer(i, ThrottledEntry(LogFull(state, shard, null)), throttled: true);
                return ValueTask.CompletedTask;
            }
            Task taken = WaitForLogSpaceAsync(shard);
            if (!taken.IsCompleted)
            {
                return WaitThenAddAsync(taken, state, call, i, hashKey, record, master);
            }
        }
    }

    private async ValueTask WaitThenAddAsync(Task taken, StreamState state, PutRecordsCall call, int i, HashKey hashKey, PutRecordsEntry record, MasterKeyVersion? master)
    {
        await taken.ConfigureAwait(false);
        await AddRecordAsync(state, call, i, hashKey, record, master).ConfigureAwait(false);
    }

    /// <summary>Closes every batch of the call, awaits each once, and writes each record's result in request order.</summary>
    private async ValueTask<PutRecordsOutcome> AnswerAsync(StreamState state, PutRecordsCall call, IReadOnlyList<PutRecordsEntry> records)
    {
        for (int g = 0; g < call.GroupCount; g++)
        {
            if (call.Batches[g] is not { } batch)
            {
                continue; // planned, but a resharding sent its records elsewhere
            }
            try
            {
                await batch.WhenDurableAsync().ConfigureAwait(false);
            }
            catch (LogFailedException e)
            {
                // Some (a suffix) of its records failed; TryGetResult tells which.
                ReportStorageFailure(state, call.Shards[g], e);
            }
            finally
            {
                call.Closed = g + 1;
            }
        }
        PutRecordsResultEntry[] results = call.Results;
        int failed = call.Failed;
        int throttled = call.Throttled;
        long successfulBytes = 0;
        for (int i = 0; i < results.Length; i++)
        {
            int group = call.Group[i];
            if (group == PutRecordsCall.AnsweredAlready)
            {
                continue;
            }
            ShardState shard;
            AppendResult result;
            if (group == PutRecordsCall.AppendedAlone)
            {
                try
                {
                    (shard, result) = await call.Alone![i].ConfigureAwait(false);
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.ProvisionedThroughputExceeded)
                {
                    results[i] = ThrottledEntry(e);
                    failed++;
                    throttled++;
                    continue;
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.InternalFailure)
                {
                    results[i] = s_internalFailure;
                    failed++;
                    continue;
                }
            }
            else
            {
                shard = call.Shards[group];
                if (!call.Batches[group]!.TryGetResult(call.Index[i], out result))
                {
                    results[i] = s_internalFailure;
                    failed++;
                    continue;
                }
                // The single path counts its own record (AppendAsync); a batch's are counted here.
                _metrics.ShardIncoming(state, shard, records[i].Data.Length + Encoding.UTF8.GetByteCount(records[i].PartitionKey));
            }
            results[i] = new PutRecordsResultEntry(shard.SequenceOf(result.Sequence), shard.Id, null, null);
            successfulBytes += records[i].Data.Length + Encoding.UTF8.GetByteCount(records[i].PartitionKey);
        }
        call.ReturnBatches();
        return new PutRecordsOutcome(results.Length, results.Length - failed, successfulBytes, throttled);
    }

    private static readonly PutRecordsResultEntry s_internalFailure = new(null, null, "InternalFailure", "Internal Service Failure");

    private static PutRecordsResultEntry ThrottledEntry(KinesisException e)
        => new(null, null, "ProvisionedThroughputExceededException", e.Message);

    /// <summary>A record refused by the shard's throttle or the stream's on-demand capacity.</summary>
    private PutRecordsResultEntry Throttled(StreamState state, ShardState shard)
    {
        _metrics.WriteThrottled(state, shard);
        return new PutRecordsResultEntry(null, null, "ProvisionedThroughputExceededException",
            $"Rate exceeded for shard {shard.Id} in stream {state.Name} under account {_options.AccountId}.");
    }

    private static AppendBatchStatus AddFrame(AppendBatch batch, string partitionKey, ReadOnlySpan<byte> data)
    {
        Span<byte> key = stackalloc byte[FrameDescriptor.MaxPartitionKeyBytes];
        int length = Encoding.UTF8.GetBytes(partitionKey, key);
        return batch.TryAdd(key[..length], null, data);
    }

    /// <summary>Encrypts a record under the shard's current data key and adds it to the batch (see <see cref="TryAppendEncrypted"/>).</summary>
    private static AppendBatchStatus AddEncrypted(ShardState shard, AppendBatch batch, MasterKeyVersion master, string partitionKey, ReadOnlySpan<byte> data)
    {
        byte[] envelope = SealEnvelope(shard, master, partitionKey, data, out int split, out int total);
        try
        {
            return batch.TryAddEncrypted(envelope.AsSpan(0, split), envelope.AsSpan(split, total - split));
        }
        finally
        {
            ReturnEnvelope(envelope, total);
        }
    }
}
