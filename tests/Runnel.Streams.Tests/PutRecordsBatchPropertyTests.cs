using FsCheck.Xunit;
using Runnel.Model;
using Runnel.Storage.Io;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>
/// PutRecords appends a call's records of each shard as one batch (one acknowledgement per shard and call): every
/// record gets exactly the result that PutRecord, called once per record in the same order on an identical engine,
/// gives it (shard, sequence number, or ProvisionedThroughputExceeded with limits on), and a shard whose log fails
/// fails exactly that shard's records.
/// </summary>
public class PutRecordsBatchPropertyTests
{
    private static readonly StreamRef s_stream = StreamRef.Named("orders");

    [Property(MaxTest = 25)]
    public bool PutRecords_AnyRecords_SameResultsAsPutRecordOneByOne(int seed, bool limits)
    {
        var random = new Random(seed);
        // Limits on with a clock that stands still: each shard's throttle admits a fixed budget, in request order, so
        // the two engines throttle the same records. Records stay small enough that a shard's admitted records fit
        // its ring (a full ring would throttle by timing, not by order).
        StreamsOptions options = EngineFixture.NoDelays with { LimitsEnabled = limits };
        using var batched = new EngineFixture(options);
        using var single = new EngineFixture(options);
        int shards = 1 + random.Next(limits ? 2 : 12); // with limits, enough records per shard to pass its 1,000 a second
        batched.Engine.CreateStream("orders", shardCount: shards);
        single.Engine.CreateStream("orders", shardCount: shards);

        int throttled = 0;
        for (int call = 0; call < 4; call++)
        {
            PutRecordsEntry[] entries = RandomEntries(random, 1 + random.Next(500), maxData: limits ? 600 : 3000);
            PutRecordsResult result = batched.Engine.PutRecordsAsync(s_stream, entries).AsTask().GetAwaiter().GetResult();
            int failed = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                PutRecordsResultEntry actual = result.Records[i];
                try
                {
                    PutRecordResult expected = single.Engine.PutRecordAsync(s_stream, entries[i].Data, entries[i].PartitionKey, entries[i].ExplicitHashKey)
                        .AsTask().GetAwaiter().GetResult();
                    if (actual.ErrorCode is not null || actual.ShardId != expected.ShardId
                        || actual.SequenceNumber!.Value.Counter != expected.SequenceNumber.Counter)
                    {
                        return false;
                    }
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.ProvisionedThroughputExceeded)
                {
                    failed++;
                    if (actual.ErrorCode != "ProvisionedThroughputExceededException" || actual.ErrorMessage != e.Message || actual.SequenceNumber is not null)
                    {
                        return false;
                    }
                }
            }
            if (result.FailedRecordCount != failed)
            {
                return false;
            }
            throttled += failed;
        }
        return limits || throttled == 0;
    }

    [Property(MaxTest = 15)]
    public bool PutRecords_OneShardsLogFails_FailsExactlyThatShardsRecords(int seed)
    {
        var random = new Random(seed);
        using var fixture = new EngineFixture(faultInjecting: true);
        fixture.Engine.CreateStream("orders", shardCount: 3);
        PutRecordsEntry[] entries = RandomEntries(random, 1 + random.Next(300), maxData: 2000);
        // Where each record goes, from a healthy put of the same records.
        PutRecordsResult healthy = fixture.Engine.PutRecordsAsync(s_stream, entries).AsTask().GetAwaiter().GetResult();
        if (healthy.FailedRecordCount != 0)
        {
            return false;
        }
        ShardId failing = healthy.Records[random.Next(entries.Length)].ShardId!.Value;
        string directory = fixture.Storage.Devices.Keys.Single(d => d.EndsWith($"/shard-{failing.Value:D12}", StringComparison.Ordinal));
        ((FaultInjectingDevice)fixture.Storage.Devices[directory]).FailNextSync = true;

        PutRecordsResult result = fixture.Engine.PutRecordsAsync(s_stream, entries).AsTask().GetAwaiter().GetResult();
        int expectedFailures = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            bool onFailingShard = healthy.Records[i].ShardId == failing;
            PutRecordsResultEntry entry = result.Records[i];
            if (onFailingShard)
            {
                expectedFailures++;
                if (entry.ErrorCode != "InternalFailure" || entry.ErrorMessage != "Internal Service Failure" || entry.SequenceNumber is not null)
                {
                    return false;
                }
            }
            else if (entry.ErrorCode is not null || entry.ShardId != healthy.Records[i].ShardId
                     || entry.SequenceNumber!.Value.CompareTo(healthy.Records[i].SequenceNumber!.Value) <= 0)
            {
                return false;
            }
        }
        return result.FailedRecordCount == expectedFailures;
    }

    private static PutRecordsEntry[] RandomEntries(Random random, int count, int maxData)
    {
        var entries = new PutRecordsEntry[count];
        for (int i = 0; i < count; i++)
        {
            byte[] data = new byte[random.Next(maxData + 1)];
            random.NextBytes(data);
            string key = $"pk-{random.Next(50)}";
            string? hash = random.Next(5) == 0 ? new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()).ToString() : null;
            entries[i] = new PutRecordsEntry(data, key, hash);
        }
        return entries;
    }
}
