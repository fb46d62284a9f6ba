using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Runnel.Harness.CompareLog;
using Runnel.Server;

namespace Runnel.Harness.Reliability;

/// <summary>The settings of a hostile run.</summary>
/// <param name="BaselineSeconds">How long the normal client runs alone.</param>
/// <param name="AttackSeconds">How long the attacks run (the normal client keeps running).</param>
/// <param name="Slowloris">Slowloris connections kept open at once (half trickled headers, half trickled bodies).</param>
/// <param name="PutsPerSecond">The normal client's pace (one PutRecord at a time).</param>
/// <param name="Limits">The server's transport limits.</param>
public sealed record HostileOptions(int BaselineSeconds, int AttackSeconds, int Slowloris, int PutsPerSecond, TransportLimits Limits)
{
    /// <summary>Limits of a run: the defaults with shorter timeouts, so that a run of minutes sees many of them fire.</summary>
    public static TransportLimits RunLimits(int headersTimeoutSeconds) => new TransportLimits() with
    {
        RequestHeadersTimeout = TimeSpan.FromSeconds(headersTimeoutSeconds),
        KeepAliveTimeout = TimeSpan.FromSeconds(2 * headersTimeoutSeconds),
        MinDataRateGracePeriod = TimeSpan.FromSeconds(Math.Max(1, headersTimeoutSeconds / 2)),
    };
}

/// <summary>
/// Runs the hostile scenario: a server in a child process; a normal client putting 1 KiB records at a steady pace,
/// alone (baseline) and then while every <see cref="HostileAttack"/> hammers the same port; resident memory sampled
/// every 500 ms. Produces a <see cref="HostileReport"/>.
/// </summary>
public sealed class HostileRun(HostileOptions options, TextWriter log)
{
    private const string Stream = "hostile";

    /// <summary>Runs the scenario.</summary>
    public async Task<HostileReport> RunAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        await using HostileServerProcess server = await HostileServerProcess.StartAsync(options.Limits, streamLimits: true, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"server pid {server.ProcessId} at {server.Endpoint}");
        using var client = new HostileKinesisClient(server.Endpoint, HttpVersion.Version11, maxConnections: 2);
        HostileReply created = await client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = Stream, ["ShardCount"] = 2 }, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (!created.Ok || !await client.WaitActiveAsync(Stream, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"CreateStream failed: {created.ErrorType} {created.Message}");
        }

        var warmup = new NormalClient(client, options.PutsPerSecond);
        await warmup.RunAsync(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var memory = new MemorySampler(server);
        using var sampling = new CancellationTokenSource();
        Task sampler = memory.RunAsync(sampling.Token);

        log.WriteLine($"baseline: the normal client alone for {options.BaselineSeconds} s");
        var baseline = new NormalClient(client, options.PutsPerSecond);
        await baseline.RunAsync(TimeSpan.FromSeconds(options.BaselineSeconds), cancellationToken).ConfigureAwait(false);
        long rssBefore = server.ResidentBytes();
        int fdsBefore = server.OpenDescriptors();
        memory.Mark();

        IReadOnlyList<HostileAttack> attacks = HostileAttack.All(options.Limits, options.Slowloris);
        log.WriteLine($"attack: {attacks.Sum(a => a.Concurrency)} abusive connections at once ({options.Slowloris} slowloris) for {options.AttackSeconds} s, with the normal client");
        var tallies = attacks.Select(a => new HostileTally(a)).ToList();
        using var stopAttacks = new CancellationTokenSource(TimeSpan.FromSeconds(options.AttackSeconds));
        var attackTasks = new List<Task>();
        foreach (HostileTally tally in tallies)
        {
            for (int i = 0; i < tally.Attack.Concurrency; i++)
            {
                attackTasks.Add(Task.Run(() => AttackLoopAsync(server.Endpoint, tally, stopAttacks.Token), CancellationToken.None));
            }
        }
        var underAttack = new NormalClient(client, options.PutsPerSecond);
        await underAttack.RunAsync(TimeSpan.FromSeconds(options.AttackSeconds), cancellationToken).ConfigureAwait(false);
        long peakDuringAttack = memory.PeakSinceMark;
        log.WriteLine("attack over: waiting for the abusive connections to end");
        await Task.WhenAll(attackTasks).ConfigureAwait(false);
        // Let the server drop what it held for the attackers, then measure.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var after = new NormalClient(client, options.PutsPerSecond);
        await after.RunAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        long rssAfter = server.ResidentBytes();
        int fdsAfter = server.OpenDescriptors();
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return HostileReport.Build(options, server, baseline, underAttack, after, tallies.Select(t => t.Result()).ToList(),
            rssBefore, Math.Max(peakDuringAttack, memory.PeakSinceMark), rssAfter, fdsBefore, fdsAfter, memory.Samples, wall.Elapsed);
    }

    private static async Task AttackLoopAsync(Uri endpoint, HostileTally tally, CancellationToken stop)
    {
        HostileAttack attack = tally.Attack;
        // Spread the first connects over a second so that 500 do not arrive in one burst.
        try
        {
            await Task.Delay(Random.Shared.Next(1000), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stop.IsCancellationRequested)
        {
            HostileProbe probe;
            try
            {
                probe = await HostileProbe.ConnectAsync(endpoint, attack.Http2, CancellationToken.None).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException)
            {
                tally.Add("connect failed", null);
                await Task.Delay(attack.PauseMilliseconds, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            await using (probe.ConfigureAwait(false))
            {
                // The script may trickle until the server ends the connection; it never outlives the bound by much.
                using var scriptStop = new CancellationTokenSource(TimeSpan.FromSeconds(attack.BoundSeconds + 5));
                Task script = attack.Script(probe, endpoint, scriptStop.Token);
                string outcome = await WaitOutcomeAsync(probe, attack).ConfigureAwait(false);
                double? end = outcome is "still open" ? null : probe.EndSeconds ?? probe.AgeSeconds;
                tally.Add(outcome, end);
                await scriptStop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await script.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            try
            {
                await Task.Delay(attack.PauseMilliseconds, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<string> WaitOutcomeAsync(HostileProbe probe, HostileAttack attack)
    {
        TimeSpan limit = TimeSpan.FromSeconds(attack.BoundSeconds + 5);
        if (attack.Name != "h2-settings-flood")
        {
            return await probe.WaitEndAsync(limit, CancellationToken.None).ConfigureAwait(false);
        }
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (probe.Ended.IsCompleted)
            {
                return await probe.Ended.ConfigureAwait(false);
            }
            if (probe.SettingsAcks >= HostileAttack.SettingsFloodFrames)
            {
                return "every SETTINGS acknowledged";
            }
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
        return "still open";
    }

    /// <summary>The well-behaved client: one PutRecord of 1 KiB at a time, at a steady pace, latencies in a histogram.</summary>
    internal sealed class NormalClient(HostileKinesisClient client, int perSecond)
    {
        private static readonly string s_data = Convert.ToBase64String(new byte[1024]);

        public LatencyHistogram Latencies { get; } = new();

        public int Ok { get; private set; }

        public SortedDictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

        public int ServerErrors { get; private set; }

        public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            long interval = Stopwatch.Frequency / perSecond;
            long next = Stopwatch.GetTimestamp();
            int n = 0;
            while (watch.Elapsed < duration)
            {
                long now = Stopwatch.GetTimestamp();
                if (now < next)
                {
                    await Task.Delay(TimeSpan.FromTicks((next - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
                }
                next += interval;
                long start = Stopwatch.GetTimestamp();
                HostileReply reply = await client.CallAsync("PutRecord",
                    new JsonObject { ["StreamName"] = Stream, ["PartitionKey"] = "key-" + (n++ % 64), ["Data"] = s_data },
                    TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                if (reply.Ok)
                {
                    Latencies.RecordSince(start);
                    Ok++;
                }
                else
                {
                    Errors[reply.ErrorType ?? "?"] = Errors.GetValueOrDefault(reply.ErrorType ?? "?") + 1;
                    ServerErrors += reply.Status >= 500 ? 1 : 0;
                }
            }
        }
    }

    /// <summary>Samples the server's resident set every 500 ms.</summary>
    internal sealed class MemorySampler(HostileServerProcess server)
    {
        private readonly Lock _lock = new();
        private readonly List<(double Seconds, long Bytes)> _samples = [];
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private long _peakSinceMark;

        public long PeakSinceMark => Interlocked.Read(ref _peakSinceMark);

        public IReadOnlyList<(double Seconds, long Bytes)> Samples
        {
            get
            {
                lock (_lock)
                {
                    return [.. _samples];
                }
            }
        }

        public void Mark() => Interlocked.Exchange(ref _peakSinceMark, server.ResidentBytes());

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long rss = server.ResidentBytes();
                lock (_lock)
                {
                    _samples.Add((Math.Round(_watch.Elapsed.TotalSeconds, 1), rss));
                }
                long peak;
                do
                {
                    peak = Interlocked.Read(ref _peakSinceMark);
                }
                while (rss > peak && Interlocked.CompareExchange(ref _peakSinceMark, rss, peak) != peak);
                try
                {
                    await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
