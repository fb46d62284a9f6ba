using System.Text;
using Runnel.Model;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>
/// Every invalid input kinesis-api.md names for the engine's operations, with the error type it must give and,
/// where the document gives it, the exact message (or the part of it the document quotes).
/// </summary>
/// <remarks>
/// Each row runs against a fresh engine holding a PROVISIONED stream <c>s</c> (2 shards, one record in each) and an
/// ON_DEMAND stream <c>od</c>. Rows that need other options (delays, limits) carry them.
/// </remarks>
public class ErrorTableTests
{
    private const string Account = "000000000000";
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";
    private const string TwoTo128 = "340282366920938463463374607431768211456";
    private const string RangeMessagePart = "is not both greater than one plus the shard's StartingHashKey";

    private static readonly StreamRef s_s = StreamRef.Named("s");
    private static readonly StreamRef s_od = StreamRef.Named("od");
    private static readonly StreamsOptions s_creating = EngineFixture.NoDelays with { CreateStreamDelay = TimeSpan.FromSeconds(30) };
    private static readonly StreamsOptions s_updating = EngineFixture.NoDelays with { UpdateStreamDelay = TimeSpan.FromSeconds(30) };
    private static readonly StreamsOptions s_consumersCreating = EngineFixture.NoDelays with { ConsumerDelay = TimeSpan.FromSeconds(30) };

    private enum Match
    {
        Exact,
        Prefix,
        Contains,
        TypeOnly,
    }

    private static readonly Dictionary<string, Row> s_rows = BuildRows().ToDictionary(r => r.Name);

    public static TheoryData<string> Rows => [.. s_rows.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Operation_InvalidInput_GivesDocumentedErrorTypeAndMessage(string row)
    {
        Row r = s_rows[row];
        using var fixture = new EngineFixture(r.Options ?? EngineFixture.NoDelays);
        var context = new Context(fixture);
        await context.SetUpAsync();
        if (r.Prepare is not null)
        {
            await r.Prepare(context);
        }
        KinesisException e = await Assert.ThrowsAsync<KinesisException>(() => r.Act(context));
        Assert.Equal(r.ErrorType, e.ErrorType);
        switch (r.Match)
        {
            case Match.Exact:
                Assert.Equal(r.Message, e.Message);
                break;
            case Match.Prefix:
                Assert.StartsWith(r.Message!, e.Message, StringComparison.Ordinal);
                break;
            case Match.Contains:
                Assert.Contains(r.Message!, e.Message, StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public void DescribeStream_Creating_ReportsCreatingWithNoShards()
    {
        using var fixture = new EngineFixture(s_creating);
        fixture.Engine.CreateStream("c", shardCount: 2);
        StreamDescription description = fixture.Engine.DescribeStream(StreamRef.Named("c"));
        Assert.Equal(StreamStatus.Creating, description.StreamStatus);
        Assert.Empty(description.Shards);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(StreamStatus.Active, fixture.Engine.DescribeStream(StreamRef.Named("c")).StreamStatus);
        Assert.Equal(2, fixture.Engine.DescribeStream(StreamRef.Named("c")).Shards.Count);
    }

    [Fact]
    public void IncreaseStreamRetentionPeriod_EqualToCurrent_IsAcceptedAsNoOp()
    {
        using var fixture = new EngineFixture();
        fixture.Engine.CreateStream("s", shardCount: 1);
        fixture.Engine.IncreaseStreamRetentionPeriod(s_s, 24);
        fixture.Engine.DecreaseStreamRetentionPeriod(s_s, 24);
        Assert.Equal(24, fixture.Engine.DescribeStreamSummary(s_s).RetentionPeriodHours);
    }

    private static IEnumerable<Row> BuildRows()
    {
        string notFound = $"Stream nope under account {Account} not found.";
        string notActiveCreating = $"Stream c under account {Account} not ACTIVE, instead in state CREATING";
        string notActiveUpdating = $"Stream s under account {Account} not ACTIVE, instead in state UPDATING";
        string long129 = new('a', 129);

        // --- unknown and existing streams ---
        yield return new("DescribeStream_UnknownStream", c => Sync(() => c.Engine.DescribeStream(StreamRef.Named("nope"))), "ResourceNotFoundException", notFound);
        yield return new("DescribeStreamSummary_UnknownStream", c => Sync(() => c.Engine.DescribeStreamSummary(StreamRef.Named("nope"))), "ResourceNotFoundException", notFound);
        yield return new("PutRecord_UnknownStream", c => c.Engine.PutRecordAsync(StreamRef.Named("nope"), "x"u8.ToArray(), "k").AsTask(), "ResourceNotFoundException", notFound);
        yield return new("PutRecords_UnknownStream", c => c.Engine.PutRecordsAsync(StreamRef.Named("nope"), [new("x"u8.ToArray(), "k")]).AsTask(), "ResourceNotFoundException", notFound);
        yield return new("GetShardIterator_UnknownStream", c => Sync(() => c.Engine.GetShardIterator(StreamRef.Named("nope"), Shard0, ShardIteratorType.Latest)), "ResourceNotFoundException", notFound);
        yield return new("ListShards_UnknownStream", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(StreamRef.Named("nope")))), "ResourceNotFoundException", notFound);
        yield return new("DeleteStream_UnknownStream", c => Sync(() => c.Engine.DeleteStream(StreamRef.Named("nope"))), "ResourceNotFoundException", notFound);
        yield return new("SplitShard_UnknownStream", c => c.Engine.SplitShardAsync(StreamRef.Named("nope"), Shard0, "12345"), "ResourceNotFoundException", notFound);
        yield return new("UpdateShardCount_UnknownStream", c => c.Engine.UpdateShardCountAsync(StreamRef.Named("nope"), 2), "ResourceNotFoundException", notFound);
        yield return new("IncreaseRetention_UnknownStream", c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(StreamRef.Named("nope"), 48)), "ResourceNotFoundException", notFound);
        yield return new("AddTags_UnknownStream", c => Sync(() => c.Engine.AddTagsToStream(StreamRef.Named("nope"), new Dictionary<string, string> { ["a"] = "b" })), "ResourceNotFoundException", notFound);
        yield return new("DescribeStream_UnknownStreamByArn", c => Sync(() => c.Engine.DescribeStream(new StreamRef(null, "arn:aws:kinesis:us-east-1:000000000000:stream/nope"))), "ResourceNotFoundException", notFound);
        yield return new("CreateStream_ExistingName", c => Sync(() => c.Engine.CreateStream("s", shardCount: 1)), "ResourceInUseException", $"Stream s under account {Account} already exists.");
        yield return new("DescribeStream_NameAndArnDisagree", c => Sync(() => c.Engine.DescribeStream(new StreamRef("od", StreamArn))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("DescribeStream_NeitherNameNorArn", c => Sync(() => c.Engine.DescribeStream(new StreamRef(null, null))), "InvalidArgumentException", null, Match.TypeOnly);

        // --- framework validation: names, lengths, patterns, ranges ---
        yield return new("CreateStream_NameTooLong", c => Sync(() => c.Engine.CreateStream(long129, shardCount: 1)), "ValidationException",
            $"1 validation error detected: Value '{long129}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128");
        yield return new("CreateStream_NameWithBadCharacters", c => Sync(() => c.Engine.CreateStream("bad name!", shardCount: 1)), "ValidationException",
            "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        yield return new("CreateStream_EmptyName", c => Sync(() => c.Engine.CreateStream("", shardCount: 1)), "ValidationException", null, Match.TypeOnly);
        yield return new("CreateStream_ShardCountZero", c => Sync(() => c.Engine.CreateStream("n", shardCount: 0)), "ValidationException",
            "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
        yield return new("CreateStream_MaxRecordSizeBelowRange", c => Sync(() => c.Engine.CreateStream("n", shardCount: 1, maxRecordSizeInKiB: 1023)), "ValidationException",
            "1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024");
        yield return new("CreateStream_MaxRecordSizeAboveRange", c => Sync(() => c.Engine.CreateStream("n", shardCount: 1, maxRecordSizeInKiB: 10241)), "ValidationException",
            "1 validation error detected: Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240");
        yield return new("CreateStream_ShardCountWithOnDemand", c => Sync(() => c.Engine.CreateStream("n", shardCount: 2, mode: StreamMode.OnDemand)), "ValidationException",
            "ShardCount is not expected when StreamMode=ON_DEMAND");
        yield return new("DescribeStream_LimitZero", c => Sync(() => c.Engine.DescribeStream(s_s, limit: 0)), "ValidationException",
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        yield return new("DescribeStream_LimitAboveMax", c => Sync(() => c.Engine.DescribeStream(s_s, limit: 10001)), "ValidationException",
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
        yield return new("GetShardIterator_ShardIdWithBadCharacters", c => Sync(() => c.Engine.GetShardIterator(s_s, "shard 0", ShardIteratorType.Latest)), "ValidationException",
            "1 validation error detected: Value 'shard 0' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        yield return new("GetRecords_LimitZero", c => Sync(() => c.Engine.GetRecords(c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon), 0)), "ValidationException",
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        yield return new("GetRecords_LimitAboveMax", c => Sync(() => c.Engine.GetRecords(c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon), 10001)), "ValidationException",
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
        yield return new("ListShards_MaxResultsZero", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, MaxResults: 0))), "ValidationException",
            "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
        yield return new("ListShards_MaxResultsAboveMax", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, MaxResults: 10001))), "ValidationException",
            "1 validation error detected: Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000");
        yield return new("PutRecord_EmptyPartitionKey", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), "").AsTask(), "ValidationException",
            "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
        yield return new("PutRecord_PartitionKeyTooLong", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), new string('k', 257)).AsTask(), "ValidationException",
            $"1 validation error detected: Value '{new string('k', 257)}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256");
        yield return new("PutRecord_ExplicitHashKeyNotDecimal", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), "k", "-1").AsTask(), "ValidationException",
            @"1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})");
        yield return new("PutRecord_ExplicitHashKeyLeadingZero", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), "k", "01").AsTask(), "ValidationException", null, Match.TypeOnly);
        yield return new("PutRecords_RecordWithEmptyPartitionKey", c => c.Engine.PutRecordsAsync(s_s, [new("x"u8.ToArray(), "k"), new("x"u8.ToArray(), "")]).AsTask(), "ValidationException",
            "1 validation error detected: Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
        yield return new("SplitShard_HashKeyNotDecimal", c => c.Engine.SplitShardAsync(s_s, Shard0, "abc"), "ValidationException",
            @"1 validation error detected: Value 'abc' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})");
        yield return new("RegisterStreamConsumer_BadName", c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "bad name")), "ValidationException",
            "1 validation error detected: Value 'bad name' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        yield return new("RegisterStreamConsumer_BadStreamArn", c => Sync(() => c.Engine.RegisterStreamConsumer("arn:aws:kinesis:us-east-1:0:stream/s", "c1")), "ValidationException", null, Match.TypeOnly);
        yield return new("AddTagsToStream_KeyTooLong", c => Sync(() => c.Engine.AddTagsToStream(s_s, new Dictionary<string, string> { [new string('t', 129)] = "v" })), "ValidationException", null, Match.TypeOnly);

        // --- retention ---
        yield return new("IncreaseRetention_BelowMinimum", c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(s_s, 23)), "InvalidArgumentException",
            "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
        yield return new("DecreaseRetention_BelowMinimum", c => Sync(() => c.Engine.DecreaseStreamRetentionPeriod(s_s, 12)), "InvalidArgumentException",
            "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.");
        yield return new("IncreaseRetention_AboveMaximum", c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(s_s, 8761)), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("IncreaseRetention_BelowCurrent", c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(s_s, 36)), "InvalidArgumentException",
            "Requested retention period (36 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.",
            Prepare: c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(s_s, 48)));
        yield return new("DecreaseRetention_AboveCurrent", c => Sync(() => c.Engine.DecreaseStreamRetentionPeriod(s_s, 72)), "InvalidArgumentException",
            "Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.",
            Prepare: c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(s_s, 48)));

        // --- tags ---
        yield return new("AddTagsToStream_MoreThanFifty", c => Sync(() => c.Engine.AddTagsToStream(s_s, Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v"))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("AddTagsToStream_FiftyFirstAcrossCalls", c => Sync(() => c.Engine.AddTagsToStream(s_s, new Dictionary<string, string> { ["last"] = "v" })), "InvalidArgumentException", null, Match.TypeOnly,
            Prepare: c => Sync(() => c.Engine.AddTagsToStream(s_s, Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => "v"))));

        // --- resharding ---
        yield return new("SplitShard_KeyAtStartPlusOne", c => c.Engine.SplitShardAsync(s_s, Shard0, "1"), "InvalidArgumentException", RangeMessagePart, Match.Contains);
        yield return new("SplitShard_KeyAtEnd", c => c.Engine.SplitShardAsync(s_s, Shard0, HashKeyRange.SplitEvenly(2)[0].End.ToString()), "InvalidArgumentException", RangeMessagePart, Match.Contains);
        yield return new("SplitShard_KeyInOtherShard", c => c.Engine.SplitShardAsync(s_s, Shard0, "300000000000000000000000000000000000000"), "InvalidArgumentException", RangeMessagePart, Match.Contains);
        yield return new("SplitShard_KeyAtOrAbove2To128", c => c.Engine.SplitShardAsync(s_s, Shard1, TwoTo128), "InvalidArgumentException", RangeMessagePart, Match.Contains);
        yield return new("SplitShard_UnknownShard", c => c.Engine.SplitShardAsync(s_s, "shardId-000000000009", "12345"), "ResourceNotFoundException",
            $"Could not find shard shardId-000000000009 in stream s under account {Account}.");
        yield return new("SplitShard_ClosedShard", c => c.Engine.SplitShardAsync(s_s, Shard0, "12345"), "ResourceInUseException", null, Match.TypeOnly,
            Prepare: c => c.Engine.SplitShardAsync(s_s, Shard0, "1000"));
        yield return new("MergeShards_NotAdjacent", c => c.Engine.MergeShardsAsync(s_s, Shard0, "shardId-000000000003"), "InvalidArgumentException", "is not an adjacent shard of", Match.Contains,
            Prepare: c => c.Engine.SplitShardAsync(s_s, Shard1, "200000000000000000000000000000000000000"));
        yield return new("MergeShards_SameShard", c => c.Engine.MergeShardsAsync(s_s, Shard0, Shard0), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("MergeShards_ClosedShard", c => c.Engine.MergeShardsAsync(s_s, Shard0, Shard1), "ResourceInUseException", null, Match.TypeOnly,
            Prepare: c => c.Engine.SplitShardAsync(s_s, Shard0, "1000"));
        yield return new("MergeShards_UnknownShard", c => c.Engine.MergeShardsAsync(s_s, Shard0, "shardId-000000000042"), "ResourceNotFoundException",
            $"Could not find shard shardId-000000000042 in stream s under account {Account}.");
        yield return new("UpdateShardCount_MoreThanDouble", c => c.Engine.UpdateShardCountAsync(s_s, 5), "LimitExceededException", null, Match.TypeOnly);
        yield return new("UpdateShardCount_BelowHalf", c => c.Engine.UpdateShardCountAsync(s_s, 1), "LimitExceededException", null, Match.TypeOnly,
            Prepare: c => c.Engine.UpdateShardCountAsync(s_s, 4));
        yield return new("UpdateShardCount_EleventhIn24Hours", c => c.Engine.UpdateShardCountAsync(s_s, 4), "LimitExceededException", null, Match.TypeOnly,
            Prepare: async c =>
            {
                for (int i = 0; i < 10; i++)
                {
                    await c.Engine.UpdateShardCountAsync(s_s, i % 2 == 0 ? 4 : 2);
                    c.Fixture.Time.Advance(TimeSpan.FromHours(1));
                }
            });
        yield return new("SplitShard_WhileUpdating", c => c.Engine.SplitShardAsync(s_s, "shardId-000000000002", "1000"), "ResourceInUseException", notActiveUpdating,
            Options: s_updating, Prepare: c => c.Engine.SplitShardAsync(s_s, Shard0, "100000000000000000000000000000000000000"));
        yield return new("MergeShards_WhileUpdating", c => c.Engine.MergeShardsAsync(s_s, "shardId-000000000002", "shardId-000000000003"), "ResourceInUseException", notActiveUpdating,
            Options: s_updating, Prepare: c => c.Engine.SplitShardAsync(s_s, Shard0, "100000000000000000000000000000000000000"));
        yield return new("UpdateShardCount_WhileUpdating", c => c.Engine.UpdateShardCountAsync(s_s, 2), "ResourceInUseException", notActiveUpdating,
            Options: s_updating, Prepare: c => c.Engine.UpdateShardCountAsync(s_s, 4));
        yield return new("SplitShard_OnDemand", c => c.Engine.SplitShardAsync(s_od, Shard0, "1000"), "ValidationException", null, Match.TypeOnly);
        yield return new("MergeShards_OnDemand", c => c.Engine.MergeShardsAsync(s_od, Shard0, Shard1), "ValidationException", null, Match.TypeOnly);
        yield return new("UpdateShardCount_OnDemand", c => c.Engine.UpdateShardCountAsync(s_od, 8), "ValidationException", null, Match.TypeOnly);

        // --- iterators ---
        string mustEither = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ";
        yield return new("GetShardIterator_TrimHorizonWithSequence", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon, c.Shard0Sequence)), "InvalidArgumentException", mustEither, Match.Prefix);
        yield return new("GetShardIterator_LatestWithSequence", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.Latest, c.Shard0Sequence)), "InvalidArgumentException", mustEither, Match.Prefix);
        yield return new("GetShardIterator_AtSequenceWithoutSequence", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtSequenceNumber)), "InvalidArgumentException", mustEither, Match.Prefix);
        yield return new("GetShardIterator_AfterSequenceWithoutSequence", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AfterSequenceNumber)), "InvalidArgumentException", mustEither, Match.Prefix);
        yield return new("GetShardIterator_AtTimestampWithoutTimestamp", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtTimestamp)), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("GetShardIterator_AtTimestampInFuture", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtTimestamp, timestamp: c.Fixture.Time.GetUtcNow().AddSeconds(1))), "InvalidArgumentException",
            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis", Match.Prefix);
        yield return new("GetShardIterator_SequenceOfAnotherShard", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtSequenceNumber, c.Shard1Sequence)), "InvalidArgumentException",
            $"Invalid StartingSequenceNumber. It encodes {Shard1}, while it was used in a call to a shard with {Shard0}");
        yield return new("GetShardIterator_SequenceOfAnotherStream", c => Sync(() => c.Engine.GetShardIterator(s_od, Shard0, ShardIteratorType.AfterSequenceNumber, c.Shard0Sequence)), "InvalidArgumentException",
            "is invalid because it did not come from this stream.", Match.Contains);
        yield return new("GetShardIterator_SequenceOfRecreatedStream", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtSequenceNumber, c.Shard0Sequence)), "InvalidArgumentException",
            "is invalid because it did not come from this stream.", Match.Contains,
            Prepare: c =>
            {
                c.Engine.DeleteStream(s_s);
                c.Engine.CreateStream("s", shardCount: 2);
                return Task.CompletedTask;
            });
        yield return new("GetShardIterator_SequenceNotMatchingPattern", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtSequenceNumber, "12ab")), "ValidationException",
            @"1 validation error detected: Value '12ab' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})");
        yield return new("GetShardIterator_SequenceWellFormedButNotOurs", c => Sync(() => c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.AtSequenceNumber, "1" + new string('0', 100))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("GetShardIterator_UnknownShard", c => Sync(() => c.Engine.GetShardIterator(s_s, "shardId-000000000009", ShardIteratorType.Latest)), "ResourceNotFoundException",
            $"Shard shardId-000000000009 in stream s under account {Account} does not exist");
        yield return new("GetRecords_IteratorOlderThan300Seconds", c =>
            {
                string iterator = c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon);
                c.Fixture.Time.Advance(TimeSpan.FromMilliseconds(300_001));
                return Sync(() => c.Engine.GetRecords(iterator));
            }, "ExpiredIteratorException", "Iterator expired. The iterator was created at time ", Match.Prefix);
        yield return new("GetRecords_TamperedIterator", c => Sync(() => c.Engine.GetRecords(Tamper(c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon)))), "InvalidArgumentException", "Invalid ShardIterator.");
        yield return new("GetRecords_GarbageIterator", c => Sync(() => c.Engine.GetRecords("not-an-iterator")), "InvalidArgumentException", "Invalid ShardIterator.");
        yield return new("GetRecords_IteratorOfDeletedStream", c =>
            {
                string iterator = c.Engine.GetShardIterator(s_s, Shard0, ShardIteratorType.TrimHorizon);
                c.Engine.DeleteStream(s_s);
                c.Engine.CreateStream("s", shardCount: 2);
                return Sync(() => c.Engine.GetRecords(iterator));
            }, "ResourceNotFoundException", null, Match.TypeOnly);

        // --- puts ---
        yield return new("PutRecord_ExplicitHashKey2To128", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), "k", TwoTo128).AsTask(), "InvalidArgumentException",
            $"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {TwoTo128}");
        yield return new("PutRecords_ExplicitHashKey2To128", c => c.Engine.PutRecordsAsync(s_s, [new("x"u8.ToArray(), "k", TwoTo128)]).AsTask(), "InvalidArgumentException",
            $"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {TwoTo128}");
        yield return new("PutRecord_DataLargerThanOneMiB", c => c.Engine.PutRecordAsync(s_s, new byte[(1024 * 1024) + 1], "k").AsTask(), "ValidationException", null, Match.TypeOnly);
        yield return new("PutRecord_DataPlusKeyLargerThanOneMiB", c => c.Engine.PutRecordAsync(s_s, new byte[1024 * 1024], "k").AsTask(), "ValidationException", null, Match.TypeOnly);
        yield return new("PutRecords_RecordLargerThanOneMiB", c => c.Engine.PutRecordsAsync(s_s, [new(new byte[(1024 * 1024) + 1], "k")]).AsTask(), "ValidationException", null, Match.TypeOnly);
        yield return new("PutRecords_501Records", c => c.Engine.PutRecordsAsync(s_s, [.. Enumerable.Range(0, 501).Select(i => new PutRecordsEntry("x"u8.ToArray(), "k"))]).AsTask(), "ValidationException",
            "Member must have length less than or equal to 500", Match.Contains);
        yield return new("PutRecords_NoRecords", c => c.Engine.PutRecordsAsync(s_s, []).AsTask(), "ValidationException",
            "Member must have length greater than or equal to 1", Match.Contains);
        yield return new("PutRecords_MoreThanTenMiB", c => c.Engine.PutRecordsAsync(s_s, [.. Enumerable.Range(0, 11).Select(i => new PutRecordsEntry(new byte[1_000_000], "k"))]).AsTask(), "InvalidArgumentException",
            "Records size exceeds", Match.Prefix);
        yield return new("PutRecord_SequenceNumberForOrderingNotOurs", c => c.Engine.PutRecordAsync(s_s, "x"u8.ToArray(), "k", sequenceNumberForOrdering: "1" + new string('0', 100)).AsTask(), "InvalidArgumentException",
            "ExclusiveMinimumSequenceNumber", Match.Prefix);

        // --- ListShards ---
        yield return new("ListShards_NextTokenWithStreamName", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, NextToken: c.ListToken()))), "InvalidArgumentException",
            "NextToken and StreamName cannot be provided together.");
        yield return new("ListShards_NextTokenWithExclusiveStartShardId", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(default, NextToken: c.ListToken(), ExclusiveStartShardId: Shard0))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListShards_NextTokenOlderThan300Seconds", c =>
            {
                string token = c.ListToken();
                c.Fixture.Time.Advance(TimeSpan.FromMilliseconds(300_001));
                return Sync(() => c.Engine.ListShards(new ListShardsRequest(default, NextToken: token)));
            }, "ExpiredNextTokenException", null, Match.TypeOnly);
        yield return new("ListShards_TamperedNextToken", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(default, NextToken: Tamper(c.ListToken())))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListShards_AtTimestampWithoutTimestamp", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, FilterType: ShardFilterType.AtTimestamp))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListShards_FromTimestampWithoutTimestamp", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, FilterType: ShardFilterType.FromTimestamp))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListShards_AfterShardIdWithoutShardId", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(s_s, FilterType: ShardFilterType.AfterShardId))), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListShards_NoStreamAndNoToken", c => Sync(() => c.Engine.ListShards(new ListShardsRequest(default))), "InvalidArgumentException", null, Match.TypeOnly);

        // --- consumers ---
        yield return new("RegisterStreamConsumer_TwentyFirst", c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c20")), "LimitExceededException", null, Match.TypeOnly,
            Prepare: c => Sync(() =>
            {
                for (int i = 0; i < 20; i++)
                {
                    c.Engine.RegisterStreamConsumer(StreamArn, $"c{i}");
                }
            }));
        yield return new("RegisterStreamConsumer_SixthCreating", c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c5")), "LimitExceededException", null, Match.TypeOnly,
            Options: s_consumersCreating,
            Prepare: c => Sync(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    c.Engine.RegisterStreamConsumer(StreamArn, $"c{i}");
                }
            }));
        yield return new("RegisterStreamConsumer_Duplicate", c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c1")), "ResourceInUseException", null, Match.TypeOnly,
            Prepare: c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c1")));
        yield return new("RegisterStreamConsumer_UnknownStream", c => Sync(() => c.Engine.RegisterStreamConsumer("arn:aws:kinesis:us-east-1:000000000000:stream/nope", "c1")), "ResourceNotFoundException", notFound);
        yield return new("DescribeStreamConsumer_Unknown", c => Sync(() => c.Engine.DescribeStreamConsumer(StreamArn, "ghost")), "ResourceNotFoundException", null, Match.TypeOnly);
        yield return new("DescribeStreamConsumer_StaleArn", c => Sync(() => c.Engine.DescribeStreamConsumer(consumerArn: StreamArn + "/consumer/c1:1")), "ResourceNotFoundException", null, Match.TypeOnly,
            Prepare: c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c1")));
        yield return new("DeregisterStreamConsumer_Unknown", c => Sync(() => c.Engine.DeregisterStreamConsumer(StreamArn, "ghost")), "ResourceNotFoundException", null, Match.TypeOnly);
        yield return new("DeregisterStreamConsumer_NoAddress", c => Sync(() => c.Engine.DeregisterStreamConsumer()), "InvalidArgumentException", null, Match.TypeOnly);
        yield return new("ListStreamConsumers_ExpiredNextToken", c =>
            {
                for (int i = 0; i < 3; i++)
                {
                    c.Engine.RegisterStreamConsumer(StreamArn, $"c{i}");
                }
                string token = c.Engine.ListStreamConsumers(StreamArn, maxResults: 1).NextToken!;
                c.Fixture.Time.Advance(TimeSpan.FromMilliseconds(300_001));
                return Sync(() => c.Engine.ListStreamConsumers(StreamArn, token));
            }, "ExpiredNextTokenException", null, Match.TypeOnly);
        yield return new("SubscribeToShard_ConsumerCreating", c =>
            {
                ConsumerDescription consumer = c.Engine.RegisterStreamConsumer(StreamArn, "c1");
                return Sync(() => c.Engine.SubscribeToShard(consumer.ConsumerArn, Shard0, new StartingPosition(ShardIteratorType.Latest)));
            }, "ResourceInUseException", null, Match.TypeOnly, Options: s_consumersCreating);
        yield return new("SubscribeToShard_UnknownShard", c =>
            {
                ConsumerDescription consumer = c.Engine.RegisterStreamConsumer(StreamArn, "c1");
                return Sync(() => c.Engine.SubscribeToShard(consumer.ConsumerArn, "shardId-000000000009", new StartingPosition(ShardIteratorType.Latest)));
            }, "ResourceNotFoundException", null, Match.TypeOnly);
        yield return new("DeleteStream_WithConsumers", c => Sync(() => c.Engine.DeleteStream(s_s)), "ResourceInUseException", null, Match.TypeOnly,
            Prepare: c => Sync(() => c.Engine.RegisterStreamConsumer(StreamArn, "c1")));

        // --- a CREATING stream: not found for data operations, in use for control operations ---
        StreamRef creating = StreamRef.Named("c");
        Func<Context, Task> createIt = c => Sync(() => c.Engine.CreateStream("c", shardCount: 2));
        yield return new("PutRecord_Creating", c => c.Engine.PutRecordAsync(creating, "x"u8.ToArray(), "k").AsTask(), "ResourceNotFoundException",
            $"Stream c under account {Account} not found.", Options: s_creating, Prepare: createIt);
        yield return new("PutRecords_Creating", c => c.Engine.PutRecordsAsync(creating, [new("x"u8.ToArray(), "k")]).AsTask(), "ResourceNotFoundException",
            $"Stream c under account {Account} not found.", Options: s_creating, Prepare: createIt);
        yield return new("GetShardIterator_Creating", c => Sync(() => c.Engine.GetShardIterator(creating, Shard0, ShardIteratorType.TrimHorizon)), "ResourceNotFoundException",
            $"Stream c under account {Account} not found.", Options: s_creating, Prepare: createIt);
        yield return new("SplitShard_Creating", c => c.Engine.SplitShardAsync(creating, Shard0, "1000"), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("MergeShards_Creating", c => c.Engine.MergeShardsAsync(creating, Shard0, Shard1), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("UpdateShardCount_Creating", c => c.Engine.UpdateShardCountAsync(creating, 3), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("IncreaseRetention_Creating", c => Sync(() => c.Engine.IncreaseStreamRetentionPeriod(creating, 48)), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("DecreaseRetention_Creating", c => Sync(() => c.Engine.DecreaseStreamRetentionPeriod(creating, 24)), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("AddTags_Creating", c => Sync(() => c.Engine.AddTagsToStream(creating, new Dictionary<string, string> { ["a"] = "b" })), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("RemoveTags_Creating", c => Sync(() => c.Engine.RemoveTagsFromStream(creating, ["a"])), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("EnableEnhancedMonitoring_Creating", c => Sync(() => c.Engine.EnableEnhancedMonitoring(creating, ["ALL"])), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("StartStreamEncryption_Creating", c => Sync(() => c.Engine.StartStreamEncryption(creating, "KMS", "alias/aws/kinesis")), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("UpdateStreamMode_Creating", c => Sync(() => c.Engine.UpdateStreamMode("arn:aws:kinesis:us-east-1:000000000000:stream/c", StreamMode.OnDemand)), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
        yield return new("UpdateMaxRecordSize_Creating", c => Sync(() => c.Engine.UpdateMaxRecordSize(creating, 2048)), "ResourceInUseException", notActiveCreating, Options: s_creating, Prepare: createIt);
    }

    private static Task Sync(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    private static Task Sync<T>(Func<T> function)
    {
        function();
        return Task.CompletedTask;
    }

    /// <summary>Flips one bit in the middle of a base64 token, keeping it valid base64.</summary>
    private static string Tamper(string token)
    {
        byte[] bytes = Convert.FromBase64String(token);
        bytes[bytes.Length / 2] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }

    /// <summary>One row: the call, the error type, the message (or part of it) and how to compare.</summary>
    private sealed record Row(
        string Name,
        Func<Context, Task> Act,
        string ErrorType,
        string? Message,
        Match Match = Match.Exact,
        StreamsOptions? Options = null,
        Func<Context, Task>? Prepare = null);

    /// <summary>The engine of a row, with streams <c>s</c> and <c>od</c> and a record in each shard of <c>s</c>.</summary>
    private sealed class Context(EngineFixture fixture)
    {
        public EngineFixture Fixture { get; } = fixture;

        public StreamEngine Engine => Fixture.Engine;

        public string Shard0Sequence { get; private set; } = "";

        public string Shard1Sequence { get; private set; } = "";

        public async Task SetUpAsync()
        {
            Engine.CreateStream("s", shardCount: 2);
            Engine.CreateStream("od", mode: StreamMode.OnDemand);
            Fixture.Time.Advance(TimeSpan.FromSeconds(31)); // past any creation delay
            PutRecordResult zero = await Engine.PutRecordAsync(s_s, Encoding.UTF8.GetBytes("a"), "k", explicitHashKey: "0");
            PutRecordResult one = await Engine.PutRecordAsync(s_s, Encoding.UTF8.GetBytes("b"), "k", explicitHashKey: UInt128.MaxValue.ToString());
            Shard0Sequence = zero.SequenceNumber.ToString();
            Shard1Sequence = one.SequenceNumber.ToString();
        }

        public string ListToken()
            => Engine.ListShards(new ListShardsRequest(s_s, MaxResults: 1)).NextToken ?? throw new InvalidOperationException("no token");
    }
}
