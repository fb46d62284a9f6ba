using System.Diagnostics;
using Runnel.Model;
using Runnel.Storage.Log;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// The Runnel side of each case, through the public <see cref="ShardLog"/> API only: <c>AppendAsync</c> completes
/// after the group commit that made the record durable (frames written + fdatasync, checkpoint written + fdatasync).
/// Each producer hashes the partition key (MD5, <see cref="PartitionKeyHasher"/>) on its own thread, as the
/// Kinesis ingress path will.
/// </summary>
public static class RunnelRunner
{
    // Un-acked bytes one pipelining producer may have out (well under ShardLogOptions.MaxPendingBytes).
    private const int WindowBytes = 32 << 20;

    // Group cases: one ack in this many is timed (timing every ack would add a continuation per record).
    private const int GroupSampleEvery = 64;

    private static ulong s_hashSink;

    /// <summary>The hash of the last keys hashed (kept so that the JIT cannot drop the hashing).</summary>
    public static ulong HashSink => Volatile.Read(ref s_hashSink);

    /// <summary>
    /// One producer appends without waiting for each ack (pipelined, at most <see cref="WindowBytes"/> un-acked), for
    /// <paramref name="duration"/>; then waits for the last ack. The log commits as fast as the device lets it.
    /// </summary>
    /// <remarks>
    /// Like FasterLog's producer (<c>Enqueue</c>, nothing per record to wait on), this one pays nothing per record
    /// beyond the append: each ack stays a <see cref="ValueTask{TResult}"/> in the window and is awaited once, when
    /// its slot comes round again (by then it has almost always completed, so no continuation is ever queued); one
    /// ack in <see cref="GroupSampleEvery"/> is timed instead, through a task of its own. A full log is a false
    /// <see cref="ShardLog.TryAppend(ReadOnlySpan{byte}, Model.HashKey?, ReadOnlySpan{byte}, out ValueTask{AppendResult})"/>
    /// (no exception), answered by <see cref="ShardLog.WhenTakenAsync"/>: the writer has taken the ring's records into
    /// its batch, so the producer refills the ring while that batch's fdatasync runs. Only timed appends read the
    /// clock (FasterLog's producer likewise).
    /// </remarks>
    public static async Task<EngineMeasurement> GroupAsync(ShardLog log, RecordSource source, int producerBatch, TimeSpan duration, CancellationToken abort)
    {
        if (producerBatch > 1)
        {
            return await GroupBatchedAsync(log, source, producerBatch, duration, abort).ConfigureAwait(false);
        }
        byte[] payload = source.Payload;
        int window = Math.Max(1024, WindowBytes / payload.Length);
        var inflight = new ValueTask<AppendResult>[window]; // default: completed
        var latency = new LatencyHistogram();
        var sampled = new List<Task>();
        ulong hashes = 0;
        long records = 0;
        int slot = 0;
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while ((records & 255) != 0 || Stopwatch.GetTimestamp() < stopAt)
        {
            abort.ThrowIfCancellationRequested();
            await inflight[slot].ConfigureAwait(false); // flow control; throws if the log failed
            byte[] key = source.Key(records);
            hashes ^= (ulong)PartitionKeyHasher.HashUtf8(key).Value;
            bool sample = records % GroupSampleEvery == 0;
            long appended = sample ? Stopwatch.GetTimestamp() : 0;
            ValueTask<AppendResult> ack;
            while (!log.TryAppend(key, null, payload, out ack))
            {
                // The log's ring is full: wait until the writer takes its records into a batch, then append again.
                await log.WhenTakenAsync().ConfigureAwait(false);
                appended = sample ? Stopwatch.GetTimestamp() : 0;
            }
            if (sample)
            {
                sampled.Add(latency.TrackAsync(ack.AsTask(), appended));
                ack = default;
            }
            inflight[slot] = ack;
            records++;
            slot = slot + 1 == window ? 0 : slot + 1;
        }
        for (int i = 0; i < window; i++)
        {
            // Oldest first, so that the last one awaited is the newest append.
            await inflight[slot].ConfigureAwait(false);
            inflight[slot] = default;
            slot = slot + 1 == window ? 0 : slot + 1;
        }
        await Task.WhenAll(sampled).ConfigureAwait(false); // the newest append may be a sampled one
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Volatile.Write(ref s_hashSink, hashes);
        return EngineMeasurement.Create(records, records * payload.Length, StoredBytes(payload.Length, records), seconds, latency);
    }

    /// <summary>
    /// As <see cref="GroupAsync"/>, with the producer handing records over <paramref name="batchSize"/> at a time: each
    /// batch is one <see cref="AppendBatch"/> (its keys hashed together, every record framed on its own, one ack per batch), as
    /// PutRecords appends a call's records of one shard. Batches are awaited when their window slot comes round;
    /// one batch in <see cref="GroupSampleEvery"/> is timed (from its rent to its ack), through a task of its own.
    /// </summary>
    private static async Task<EngineMeasurement> GroupBatchedAsync(ShardLog log, RecordSource source, int batchSize, TimeSpan duration, CancellationToken abort)
    {
        byte[] payload = source.Payload;
        int window = Math.Max(4, WindowBytes / (payload.Length * batchSize));
        var inflight = new (AppendBatch? Batch, ValueTask Ack)[window];
        byte[] keyBuffer = new byte[batchSize * source.MaxKeyLength];
        int[] keyLengths = new int[batchSize];
        var keyHashes = new HashKey[batchSize];
        var latency = new LatencyHistogram();
        var sampled = new List<Task>();
        ulong hashes = 0;
        long records = 0;
        long batches = 0;
        int slot = 0;
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            abort.ThrowIfCancellationRequested();
            if (inflight[slot].Batch is { } done)
            {
                await inflight[slot].Ack.ConfigureAwait(false); // flow control; throws if the log failed
                done.Return();
            }
            bool sample = batches % GroupSampleEvery == 0;
            long rented = sample ? Stopwatch.GetTimestamp() : 0;
            AppendBatch batch = log.RentBatch(batchSize);
            // The batch's keys hashed together, 16 or 8 per SIMD vector, as PutRecords hashes a call's keys.
            int keyBytes = 0;
            for (int i = 0; i < batchSize; i++)
            {
                byte[] key = source.Key(records + i);
                key.CopyTo(keyBuffer, keyBytes);
                keyBytes += key.Length;
                keyLengths[i] = key.Length;
            }
            PartitionKeyHasher.HashUtf8(keyBuffer.AsSpan(0, keyBytes), keyLengths, keyHashes);
            int keyOffset = 0;
            for (int i = 0; i < batchSize; i++)
            {
                hashes ^= (ulong)keyHashes[i].Value;
                AppendBatchStatus status;
                while ((status = batch.TryAdd(keyBuffer.AsSpan(keyOffset, keyLengths[i]), null, payload)) == AppendBatchStatus.Full)
                {
                    await log.WhenTakenAsync().ConfigureAwait(false);
                }
                if (status != AppendBatchStatus.Added)
                {
                    throw new InvalidOperationException($"the log refused a {payload.Length}-byte record ({status})");
                }
                keyOffset += keyLengths[i];
            }
            ValueTask ack = batch.WhenDurableAsync();
            inflight[slot] = (batch, sample ? new ValueTask(latency.TrackAsync(ack.AsTask(), rented)) : ack);
            if (sample)
            {
                sampled.Add(inflight[slot].Ack.AsTask());
            }
            records += batchSize;
            batches++;
            slot = slot + 1 == window ? 0 : slot + 1;
        }
        for (int i = 0; i < window; i++)
        {
            if (inflight[slot].Batch is { } done)
            {
                await inflight[slot].Ack.ConfigureAwait(false);
                done.Return();
            }
            inflight[slot] = default;
            slot = slot + 1 == window ? 0 : slot + 1;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Volatile.Write(ref s_hashSink, hashes);
        return EngineMeasurement.Create(records, records * payload.Length, StoredBytes(payload.Length, records), seconds, latency);
    }

    /// <summary><paramref name="producers"/> tasks each loop: append one record, await its durable ack.</summary>
    public static async Task<EngineMeasurement> ConcurrentAcksAsync(ShardLog log, RecordSource source, int producers, TimeSpan duration, CancellationToken abort)
    {
        var latency = new LatencyHistogram();
        var stop = new StopFlag();
        long start = Stopwatch.GetTimestamp();
        var tasks = new Task<long>[producers];
        for (int p = 0; p < producers; p++)
        {
            int producer = p;
            tasks[p] = Task.Run(async () =>
            {
                long count = 0;
                ulong hashes = 0;
                while (!stop.IsSet && !abort.IsCancellationRequested)
                {
                    byte[] key = source.Key(producer + (count * producers));
                    hashes ^= (ulong)PartitionKeyHasher.HashUtf8(key).Value;
                    long appended = Stopwatch.GetTimestamp();
                    await log.AppendAsync(key, null, source.Payload).ConfigureAwait(false);
                    latency.RecordSince(appended);
                    count++;
                }
                Volatile.Write(ref s_hashSink, hashes);
                return count;
            });
        }
        await Task.Delay(duration, abort).ConfigureAwait(false);
        stop.Set();
        long[] counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long records = counts.Sum();
        return EngineMeasurement.Create(records, records * source.Payload.Length, StoredBytes(source.Payload.Length, records), seconds, latency);
    }

    /// <summary>One producer: append, await the durable ack, repeat (every record is its own commit).</summary>
    public static async Task<EngineMeasurement> CommitPerRecordAsync(ShardLog log, RecordSource source, TimeSpan duration, CancellationToken abort)
    {
        var latency = new LatencyHistogram();
        ulong hashes = 0;
        long records = 0;
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            abort.ThrowIfCancellationRequested();
            byte[] key = source.Key(records);
            hashes ^= (ulong)PartitionKeyHasher.HashUtf8(key).Value;
            long appended = Stopwatch.GetTimestamp();
            await log.AppendAsync(key, null, source.Payload).ConfigureAwait(false);
            latency.RecordSince(appended);
            records++;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Volatile.Write(ref s_hashSink, hashes);
        return EngineMeasurement.Create(records, records * source.Payload.Length, StoredBytes(source.Payload.Length, records), seconds, latency);
    }

    /// <summary>
    /// Reads the whole log from the trim horizon with <see cref="ShardLog.Read"/> (every frame's CRC32C and sequence
    /// checked), 1 MiB at a time, and counts the records. The caller drops the page cache first.
    /// </summary>
    public static EngineMeasurement Scan(ShardLog log, int recordBytes)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(1 << 20, pinned: true);
        LogCursor cursor = log.TrimHorizon();
        long records = 0;
        long stored = 0;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            ReadResult result = log.Read(ref cursor, buffer, int.MaxValue);
            records += result.Records;
            stored += result.Bytes;
            if (result.Status == ReadStatus.Tip)
            {
                break;
            }
            if (result.Status == ReadStatus.BufferTooSmall)
            {
                throw new InvalidOperationException($"a frame needs a {result.RequiredBufferLength}-byte buffer");
            }
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return EngineMeasurement.Create(records, records * recordBytes, stored, seconds, latency: null);
    }

    private static long StoredBytes(int recordBytes, long records) =>
        records * Storage.Framing.FrameDescriptor.AlignedLength(16, hasExplicitHashKey: false, recordBytes);
}
