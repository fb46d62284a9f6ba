using System.Globalization;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>
/// The mode-switch part of the <c>on-demand</c> scenario: a stream switched between PROVISIONED and ON_DEMAND through
/// the engine's UpdateStreamMode under traffic, in simulated time (<see cref="ModeSwitchStep.Script"/>).
/// </summary>
/// <remarks>
/// Traffic is sent as in <see cref="OnDemandRun"/> (1-second steps, one record per open shard per second carrying its
/// hash range's share, throttled records dropped); maintenance runs at every minute boundary, as it does on a server.
/// For each minute the harness states what the rules allow: the shards' capacity, and in ON_DEMAND the stream's
/// max(4 MiB/s, the kept shards' 1 MiB/s each, 2 x peak) counted from the switch (kinesis-api.md: the shard count is
/// kept and a switch does not disrupt writes, so the engine starts a switched stream at its shards' capacity).
/// </remarks>
public sealed class ModeSwitchRun(IReadOnlyList<ModeSwitchStep> script, TextWriter progress, IProgress<double>? done = null)
{
    private const string StreamName = "modeswitch";
    private const int MiB = OnDemandRun.MiB;
    private static readonly StreamRef s_stream = StreamRef.Named(StreamName);

    /// <summary>Runs the script; returns every traffic minute and every switch.</summary>
    public async Task<ModeSwitchResult> RunAsync()
    {
        using var sim = new SimulatedEngine(new DiscardingStreamStorage());
        sim.Engine.CreateStream(StreamName, shardCount: ModeSwitchStep.InitialShards, mode: StreamMode.Provisioned);
        string arn = sim.Engine.DescribeStreamSummary(s_stream).StreamArn;
        var minutes = new List<ModeSwitchMinute>();
        var attempts = new List<ModeSwitchAttempt>();
        var splits = new List<KeyValuePair<int, string>>();
        var batch = new List<PutRecordsEntry>(500);
        // Minute averages accepted since the last switch to ON_DEMAND, as the engine's peak history sees them.
        var sinceSwitch = new List<double>();
        double shardsAtSwitch = 0; // MiB/s: the open shards' write capacity when the stream last switched to ON_DEMAND
        int minute = 0;
        List<ShardDescription> open = OnDemandRun.OpenShards(sim.Engine, s_stream);
        int traffic = script.Where(s => s.SwitchTo is null && !s.Idle).Sum(s => s.Minutes), sent = 0;
        foreach (ModeSwitchStep step in script)
        {
            StreamMode mode = sim.Engine.DescribeStreamSummary(s_stream).StreamMode;
            if (step.SwitchTo is { } target)
            {
                attempts.Add(Switch(sim.Engine, arn, minute, step, mode, target, OnDemandRun.OpenShards(sim.Engine, s_stream).Count));
                if (attempts[^1].Switched && target == StreamMode.OnDemand)
                {
                    sinceSwitch.Clear();
                    shardsAtSwitch = attempts[^1].OpenShardsAfter;
                }
                progress.WriteLine(Invariant($"  minute {minute,5}: {step.Name}: {(attempts[^1].Switched ? "switched" : attempts[^1].Error)}"));
                continue;
            }
            if (step.Idle)
            {
                sim.Time.Advance(TimeSpan.FromMinutes(step.Minutes));
                minute += step.Minutes;
                await sim.Engine.RunMaintenanceAsync().ConfigureAwait(false);
                continue;
            }
            for (int end = minute + step.Minutes; minute < end; minute++)
            {
                if (minutes.Count > 0)
                {
                    await sim.Engine.RunMaintenanceAsync().ConfigureAwait(false);
                }
                List<ShardDescription> now = OnDemandRun.OpenShards(sim.Engine, s_stream);
                for (int i = 0; i < now.Count - open.Count; i++)
                {
                    splits.Add(new KeyValuePair<int, string>(minute, WireNames.Of(mode)));
                }
                open = now;
                (long[] share, string[] keys, long[] counted) = OnDemandRun.Spread(open, step.MiBps);
                double offered = counted.Sum() / (double)MiB;
                double shardCapacity = counted.Sum(s => Math.Min(s, MiB)) / (double)MiB;
                double? onDemand = mode == StreamMode.OnDemand
                    ? Math.Max(Math.Max(OnDemandRun.BaselineMiBps, shardsAtSwitch), 2 * EffectivePeak(sinceSwitch))
                    : null;
                double expected = Math.Min(offered, Math.Min(shardCapacity, onDemand ?? double.MaxValue));
                (long accepted, long throttled) = await OnDemandRun.SendMinuteAsync(sim, s_stream, minute, share, keys, batch).ConfigureAwait(false);
                if (mode == StreamMode.OnDemand)
                {
                    sinceSwitch.Add(Math.Floor(accepted / 60.0) / MiB);
                }
                minutes.Add(new ModeSwitchMinute(minute, step.Name, WireNames.Of(mode), offered, accepted / 60.0 / MiB, throttled / 60.0 / MiB,
                    open.Count, shardCapacity, onDemand, expected));
                done?.Report((double)++sent / traffic);
            }
            ModeSwitchMinute last = minutes[^1];
            progress.WriteLine(Invariant($"  minute {minute,5}: {step.Name}: {last.OpenShards} open shards, accepted {last.Accepted:0.##} of {last.Offered:0.##} MiB/s"));
        }
        return new ModeSwitchResult(minutes, attempts, splits);
    }

    /// <summary>The largest minute average among those that ended at least 15 minutes before the next minute starts.</summary>
    public static double EffectivePeak(IReadOnlyList<double> sinceSwitch)
    {
        ArgumentNullException.ThrowIfNull(sinceSwitch);
        return OnDemandRun.EffectivePeak(sinceSwitch, sinceSwitch.Count);
    }

    private static ModeSwitchAttempt Switch(StreamEngine engine, string arn, int minute, ModeSwitchStep step, StreamMode from, StreamMode to, int openBefore)
    {
        string? error = null, message = null;
        try
        {
            engine.UpdateStreamMode(arn, to);
        }
        catch (KinesisException e)
        {
            error = e.ErrorType;
            message = e.Message;
        }
        StreamSummary after = engine.DescribeStreamSummary(s_stream);
        return new ModeSwitchAttempt(minute, step.Name, WireNames.Of(from), WireNames.Of(to), step.ExpectRefused, error, message,
            WireNames.Of(after.StreamMode), openBefore, after.OpenShardCount);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
