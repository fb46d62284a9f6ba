using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.CompareLog;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// Runs one point: creates its stream, lets <see cref="CeilingPoint.Producers"/> producers each send PutRecords calls
/// back to back (the next when the previous was acknowledged) through a warm-up and a measured window, reads the
/// machine's counters at both ends of the window, stops the producers and waits for their last calls, then checks
/// that the acknowledgements add up (and, when asked, reads every record back).
/// </summary>
public static class CeilingRunner
{
    /// <summary>Measures <paramref name="point"/> on <paramref name="target"/>.</summary>
    public static async Task<CeilingPointResult> RunAsync(ICeilingTarget target, CeilingPoint point, CeilingOptions options, string? disk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(options);
        var workload = new CeilingWorkload(point.Shards, point.RecordBytes, point.BatchRecords);
        string name = string.Create(CultureInfo.InvariantCulture, $"ceiling-{point.Shards}-{point.RecordBytes}-{point.Producers}-{Guid.NewGuid():N}")[..48];
        long setup = Stopwatch.GetTimestamp();
        ICeilingStreamHandle stream = await target.CreateStreamAsync(name, workload, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            double setupSeconds = Stopwatch.GetElapsedTime(setup).TotalSeconds;
            var window = new Window((int)Math.Ceiling(options.MeasureSeconds));
            var stop = new StopFlag();
            var producers = new Task<Producer>[point.Producers];
            for (int p = 0; p < point.Producers; p++)
            {
                var producer = new Producer(p, point.Shards);
                producers[p] = Task.Run(() => producer.RunAsync(stream, window, stop, cancellationToken), cancellationToken);
            }
            ProcSample start, end;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken).ConfigureAwait(false);
                start = ProcSample.Take(target.ServerProcessId, disk, target.EngineCommits);
                window.Open(start.Timestamp);
                await Task.Delay(TimeSpan.FromSeconds(options.MeasureSeconds), cancellationToken).ConfigureAwait(false);
                end = ProcSample.Take(target.ServerProcessId, disk, target.EngineCommits);
                window.Close(end.Timestamp);
            }
            finally
            {
                stop.Set();
            }
            Producer[] done = await Task.WhenAll(producers).ConfigureAwait(false);

            var ledger = new CeilingLedger(point.Shards);
            var latency = new CeilingLatency();
            long windowRecords = 0, failedCalls = 0;
            string? firstError = null;
            foreach (Producer producer in done)
            {
                ledger.Merge(producer.Ledger);
                latency.Merge(producer.Latency);
                windowRecords += producer.WindowRecords;
                failedCalls += producer.FailedCalls;
                firstError ??= producer.FirstError;
            }
            string? inconsistency = ledger.Inconsistency();
            long? stored = null;
            if (options.VerifyReadBack)
            {
                stored = await stream.CountStoredAsync(cancellationToken).ConfigureAwait(false);
                if (stored != ledger.Acked)
                {
                    inconsistency ??= string.Create(CultureInfo.InvariantCulture, $"{stored} records stored, {ledger.Acked} acknowledged");
                }
            }
            double seconds = (end.Timestamp - start.Timestamp) / (double)Stopwatch.Frequency;
            CeilingResources resources = CeilingResources.Between(start, end, Environment.ProcessorCount);
            (CeilingLimit limit, string reason) = CeilingAccounting.Classify(resources, point.Mode);
            return new CeilingPointResult(point, workload.Data.Length, Math.Round(seconds, 3), windowRecords,
                Math.Round(CeilingAccounting.PerSecond(windowRecords, seconds), 1),
                Math.Round(CeilingAccounting.MegabytesPerSecond(windowRecords, point.RecordBytes, seconds), 3),
                latency.Percentiles(), latency.Cdf(), window.EachSecond(), ledger.Acked, ledger.Failed, failedCalls, firstError,
                stored, inconsistency, resources, limit, reason, Math.Round(setupSeconds, 2));
        }
    }

    /// <summary>The measured window: set by the sampler, read by the producers. Thread-safe.</summary>
    private sealed class Window(int seconds)
    {
        private readonly long[] _eachSecond = new long[Math.Max(1, seconds)];
        private long _from = long.MaxValue;
        private long _to = long.MaxValue;

        public void Open(long timestamp) => Volatile.Write(ref _from, timestamp);

        public void Close(long timestamp) => Volatile.Write(ref _to, timestamp);

        /// <summary>Whether a call completed at <paramref name="timestamp"/> counts; if so, adds its records to its second.</summary>
        public bool Count(long timestamp, long records)
        {
            long from = Volatile.Read(ref _from);
            if (timestamp < from || timestamp >= Volatile.Read(ref _to))
            {
                return false;
            }
            long second = (timestamp - from) / Stopwatch.Frequency;
            if (second < _eachSecond.Length)
            {
                Interlocked.Add(ref _eachSecond[second], records);
            }
            return true;
        }

        /// <summary>The whole seconds of the window (a partial last second is left out).</summary>
        public IReadOnlyList<long> EachSecond()
        {
            double seconds = (Volatile.Read(ref _to) - Volatile.Read(ref _from)) / (double)Stopwatch.Frequency;
            return [.. _eachSecond.Take(Math.Min(_eachSecond.Length, (int)Math.Floor(seconds + 0.01)))];
        }
    }

    /// <summary>One producer's loop and tallies. Single-threaded: only its own task touches it until it returns.</summary>
    private sealed class Producer(int index, int shards)
    {
        public CeilingLedger Ledger { get; } = new(shards);

        public CeilingLatency Latency { get; } = new();

        public long WindowRecords { get; private set; }

        public long FailedCalls { get; private set; }

        public string? FirstError { get; private set; }

        public async Task<Producer> RunAsync(ICeilingStreamHandle stream, Window window, StopFlag stop, CancellationToken cancellationToken)
        {
            int batch = index;
            while (!stop.IsSet && !cancellationToken.IsCancellationRequested)
            {
                long acked = Ledger.Acked;
                long sent = Stopwatch.GetTimestamp();
                string? error = await stream.PutAsync(batch, Ledger, cancellationToken).ConfigureAwait(false);
                long done = Stopwatch.GetTimestamp();
                if (window.Count(done, Ledger.Acked - acked))
                {
                    WindowRecords += Ledger.Acked - acked;
                    Latency.Record(Stopwatch.GetElapsedTime(sent, done).TotalMicroseconds);
                }
                if (error is not null)
                {
                    FailedCalls++;
                    FirstError ??= error;
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false); // no busy loop against a failing server
                }
                batch++;
            }
            return this;
        }
    }
}
