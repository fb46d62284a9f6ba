using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// Model-based property: any sequence of appends, reads from any position, rolls, trims, close/reopen and crashes
/// leaves the log equal to a plain list of the acknowledged records (minus whole expired segments): sequences
/// strictly increase and a record's bytes never change once acknowledged.
/// </summary>
public class ShardLogModelTests
{
    private enum Step
    {
        Append,
        AppendBatch,
        Read,
        AdvanceTime,
        Trim,
        Reopen,
        Crash,
    }

    [Fact]
    public void Log_ReadWithBufferEndingInsideALengthField_MatchesListModel()
    {
        // Pinned from a CI failure: a 514-byte read buffer ended 2 bytes into the next frame's length field, and
        // the read reported corruption instead of stopping before that frame.
        Assert.True(Log_AnyOperationSequence_MatchesListModel([(0, 0), (134, 4), (0, 0), (23, 2)]));
    }

    [Property(MaxTest = 150)]
    public bool Log_AnyOperationSequence_MatchesListModel((byte Kind, ushort Argument)[] operations)
    {
        var device = new FaultInjectingDevice();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var options = new ShardLogOptions
        {
            SegmentMaxBytes = 4096,
            SegmentMaxAge = TimeSpan.FromMinutes(10),
            Retention = TimeSpan.FromHours(1),
            IndexIntervalBytes = 200,
        };
        var model = new List<RecordModel>();
        ShardLog log = ShardLog.Open(device, options, time);
        try
        {
            foreach ((byte kind, ushort argument) in operations)
            {
                switch ((Step)(kind % 7))
                {
                    case Step.Append:
                        Append(log, model, 1, argument);
                        break;
                    case Step.AppendBatch:
                        Append(log, model, 1 + (argument % 40), argument);
                        break;
                    case Step.Read:
                        CheckRead(log, model, argument);
                        break;
                    case Step.AdvanceTime:
                        time.Advance(TimeSpan.FromSeconds(argument % 1200));
                        break;
                    case Step.Trim:
                        log.EnforceRetention();
                        ApplyTrim(log, model, time.GetUtcNow().ToUnixTimeMilliseconds() - (long)options.Retention.TotalMilliseconds);
                        break;
                    case Step.Reopen:
                        log.Dispose();
                        log = ShardLog.Open(device, options, time);
                        break;
                    case Step.Crash:
                        // Every append was awaited, so a power loss must keep all of them.
                        device.PowerLoss(new Random(argument));
                        log = ShardLog.Open(device, options, time);
                        break;
                }
                if (!Matches(LogReading.ReadAll(log), model))
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            log.Dispose();
        }
    }

    private static void Append(ShardLog log, List<RecordModel> model, int count, int seed)
    {
        var random = new Random(seed);
        var pending = new List<(Task<AppendResult> Task, byte[] Key, UInt128? Hash, byte[] Data)>();
        for (int i = 0; i < count; i++)
        {
            (byte[] key, UInt128? hash, byte[] data) = RecordModel.Random(random, 300);
            pending.Add((log.AppendAsync(key, hash is { } h ? new Model.HashKey(h) : null, data).AsTask(), key, hash, data));
        }
        foreach ((Task<AppendResult> task, byte[] key, UInt128? hash, byte[] data) in pending)
        {
            AppendResult result = task.GetAwaiter().GetResult();
            if (model.Count > 0 && result.Sequence <= model[^1].Sequence)
            {
                throw new InvalidOperationException("sequence did not increase");
            }
            model.Add(new RecordModel(result.Sequence, result.TimestampMs, key, hash, data));
        }
    }

    private static void CheckRead(ShardLog log, List<RecordModel> model, int argument)
    {
        if (model.Count == 0)
        {
            return;
        }
        RecordModel from = model[argument % model.Count];
        List<RecordModel> read = LogReading.ReadAll(log, ShardLog.AtSequence(from.Sequence), bufferSize: 512 + (argument % 4096), maxRecords: 1 + (argument % 7));
        if (!Matches(read, model.SkipWhile(r => r.Sequence < from.Sequence).ToList()))
        {
            throw new InvalidOperationException($"read from {from.Sequence} differs from the model");
        }
        List<RecordModel> byTime = LogReading.ReadAll(log, log.AtTimestamp(from.TimestampMs));
        if (byTime.Count == 0 || byTime[0].TimestampMs < from.TimestampMs || byTime[0].Sequence > from.Sequence)
        {
            throw new InvalidOperationException($"AT_TIMESTAMP {from.TimestampMs} started at the wrong record");
        }
    }

    private static void ApplyTrim(ShardLog log, List<RecordModel> model, long cutoffMs)
    {
        // Retention may only remove records older than the retention period (whole segments of them).
        ulong horizon = log.TrimHorizonSequence;
        if (model.Exists(r => r.Sequence < horizon && r.TimestampMs >= cutoffMs))
        {
            throw new InvalidOperationException($"retention removed a record newer than the cut-off {cutoffMs}");
        }
        model.RemoveAll(r => r.Sequence < horizon);
    }

    private static bool Matches(List<RecordModel> read, List<RecordModel> expected)
    {
        if (read.Count != expected.Count)
        {
            return false;
        }
        for (int i = 0; i < read.Count; i++)
        {
            RecordModel a = read[i];
            RecordModel b = expected[i];
            if (a.Sequence != b.Sequence || a.TimestampMs != b.TimestampMs || a.ExplicitHashKey != b.ExplicitHashKey
                || !a.PartitionKey.AsSpan().SequenceEqual(b.PartitionKey) || !a.Data.AsSpan().SequenceEqual(b.Data))
            {
                return false;
            }
        }
        return true;
    }
}
