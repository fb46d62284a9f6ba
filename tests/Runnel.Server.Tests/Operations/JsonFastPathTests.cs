using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Protocol.Json;
using Runnel.Server.Http;
using Runnel.Server.Operations;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Tests.Operations;

/// <summary>
/// The JSON fast path (<see cref="PutRecordsJsonReader"/>, <see cref="IJsonOperation"/>) against the generic one
/// (<see cref="WireCodec"/>, <see cref="RequestBody"/>, <c>JsonObject</c> answers): for generated and mutated bodies the
/// host's outcome (fast when the reader accepts, else generic) equals the generic outcome, records or error alike;
/// and the streamed answers are byte-for-byte the encoded structures.
/// </summary>
public class JsonFastPathTests
{
    private static readonly string[] s_names =
        ["StreamName", "StreamARN", "Records", "Data", "PartitionKey", "ExplicitHashKey", "SequenceNumberForOrdering", "Other", "D\\u0061ta", "data"];

    private static readonly string[] s_scalars =
    [
        "\"AAEC\"", "\"\"", "\"QR==\"", "\"QQ==\"", "\"AAE\"", "\"AAE=\"", "\"%%\"", "\"AA EC\"", "\"AA\\nEC\"", "\"AA\\u0041=\"",
        "\"AA\\/A\"", "\"\\ud800\"", "\"p\\u00e9\"", "\"key\"", "\"é€😀\"", "0", "1.5", "-3", "null", "true", "{}", "[]", "[{}]",
        "{\"a\":1,\"a\":2}", "\"123\"", "\"340282366920938463463374607431768211455\"", "\"arn:aws:kinesis:us-east-1:000000000000:stream/s\"",
        "\"AAAA\\r\\n\"", "\"AA==AA==\"", "\"====\"",
    ];

    [Property(MaxTest = 500)]
    public Property PutRecordsBody_FastOrGeneric_SameOutcomeAsGeneric()
        => Prop.ForAll(Bodies(record: false).ToArbitrary(), body =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            string generic = Outcome(() => Describe(PutRecords.Read(WireCodec.Decode(bytes, WireFormat.Json))));
            byte[] arena = new byte[PutRecordsJsonReader.ArenaLength(bytes.Length)];
            string host = PutRecordsJsonReader.TryReadPutRecords(bytes, arena, out string? name, out string? arn, out List<PutRecordFields>? records)
                ? Outcome(() => Describe((new StreamRef(name, arn), PutRecords.Entries(records))))
                : generic;
            return (host == generic).Label($"{body}\n fast: {host}\n generic: {generic}");
        });

    [Property(MaxTest = 500)]
    public Property PutRecordBody_FastOrGeneric_SameOutcomeAsGeneric()
        => Prop.ForAll(Bodies(record: true).ToArbitrary(), body =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            string generic = Outcome(() => Describe(PutRecord.Read(WireCodec.Decode(bytes, WireFormat.Json))));
            byte[] arena = new byte[PutRecordsJsonReader.ArenaLength(bytes.Length)];
            string host = PutRecordsJsonReader.TryReadPutRecord(bytes, arena, out string? name, out string? arn, out PutRecordFields record, out string? ordering)
                ? Outcome(() => Describe((new StreamRef(name, arn), record, ordering)))
                : generic;
            return (host == generic).Label($"{body}\n fast: {host}\n generic: {generic}");
        });

    [Property(MaxTest = 100)]
    public Property WellFormedPutRecords_FastReader_ReadsAsGeneric()
        => Prop.ForAll(WellFormedPutRecords().ToArbitrary(), body =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            byte[] arena = new byte[PutRecordsJsonReader.ArenaLength(bytes.Length)];
            bool read = PutRecordsJsonReader.TryReadPutRecords(bytes, arena, out string? name, out string? arn, out List<PutRecordFields>? records);
            string generic = Outcome(() => Describe(PutRecords.Read(WireCodec.Decode(bytes, WireFormat.Json))));
            return (read && Outcome(() => Describe((new StreamRef(name, arn), PutRecords.Entries(records)))) == generic).Label(body);
        });

    [Fact]
    public void PutRecordsBody_RecordWithoutPartitionKey_SameValidationPathBothWays()
    {
        byte[] body = """{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"},{"Data":"AA=="}]}"""u8.ToArray();
        byte[] arena = new byte[PutRecordsJsonReader.ArenaLength(body.Length)];
        Assert.True(PutRecordsJsonReader.TryReadPutRecords(body, arena, out _, out _, out List<PutRecordFields>? records));
        KinesisException fast = Assert.Throws<KinesisException>(() => PutRecords.Entries(records));
        KinesisException generic = Assert.Throws<KinesisException>(() => PutRecords.Read(WireCodec.Decode(body, WireFormat.Json)));
        Assert.Equal(generic.Message, fast.Message);
        Assert.Contains("'records.2.member.partitionKey'", fast.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 200)]
    public Property PutRecordsAnswer_Streamed_SameBytesAsEncoded(NonNegativeInt seed, bool kms)
    {
        var random = new Random(seed.Get);
        var entries = new PutRecordsResultEntry[random.Next(0, 20)];
        int failed = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            if (random.Next(3) == 0)
            {
                failed++;
                entries[i] = new PutRecordsResultEntry(null, null, "ProvisionedThroughputExceededException", random.Next(2) == 0 ? null : "Rate exceeded <&> for shard");
            }
            else
            {
                entries[i] = new PutRecordsResultEntry(Sequence(random), new ShardId(random.Next(0, 1000)), null, null);
            }
        }
        var result = new PutRecordsResult(failed, entries, kms ? "KMS" : "NONE");
        return (Streamed(writer => PutRecords.Write(writer, result)) == Encoded(PutRecords.Answer(result))).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property PutRecordAnswer_Streamed_SameBytesAsEncoded(NonNegativeInt seed, bool kms)
    {
        var result = new PutRecordResult(new ShardId(seed.Get % 100_000), Sequence(new Random(seed.Get)), kms ? "KMS" : "NONE");
        return (Streamed(writer => PutRecord.Write(writer, result)) == Encoded(PutRecord.Answer(result))).ToProperty();
    }

    [Property(MaxTest = 40)]
    public Property GetRecordsAnswer_StreamedFromFrames_SameBytesAsEncoded(NonNegativeInt seed)
    {
        var random = new Random(seed.Get);
        using var f = new OperationFixture(OperationFixture.NoDelays with { LimitsEnabled = false });
        string[] keys = ["k", "é€😀", "<script>&'\"", "a\\b\u0001\u007f", "\u2028+/=", new string('x', 256)];
        f.CreateStreamAsync("g", random.Next(1, 3)).GetAwaiter().GetResult();
        if (random.Next(3) == 0)
        {
            string keyId = f.Engine.Keys.Create().Arn;
            f.RunAsync("StartStreamEncryption", $$"""{"StreamName":"g","EncryptionType":"KMS","KeyId":"{{keyId}}"}""").GetAwaiter().GetResult();
        }
        int written = 0;
        for (int batch = random.Next(0, 4); batch > 0; batch--)
        {
            var records = new JsonArray();
            for (int i = random.Next(1, 20); i > 0; i--)
            {
                byte[] data = new byte[random.Next(0, 300)];
                random.NextBytes(data);
                records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(data), ["PartitionKey"] = keys[random.Next(keys.Length)] });
                written++;
            }
            f.RunAsync("PutRecords", new JsonObject { ["StreamName"] = "g", ["Records"] = records }.ToJsonString()).GetAwaiter().GetResult();
            f.Time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 2000)));
        }
        if (random.Next(3) == 0)
        {
            f.RunAsync("SplitShard", """{"StreamName":"g","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"12345678901234567890"}""").GetAwaiter().GetResult();
        }
        int read = 0;
        bool same = true;
        JsonArray shards = f.RunParsedAsync("ListShards", """{"StreamName":"g"}""").GetAwaiter().GetResult()["Shards"]!.AsArray();
        foreach (JsonNode? shard in shards)
        {
            string? iterator = (string?)f.RunParsedAsync("GetShardIterator",
                $$"""{"StreamName":"g","ShardId":"{{shard!["ShardId"]}}","ShardIteratorType":"TRIM_HORIZON"}""").GetAwaiter().GetResult()["ShardIterator"];
            for (int page = 0; iterator is not null && page < 4; page++)
            {
                int? limit = random.Next(2) == 0 ? null : random.Next(1, 25);
                string body = new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = limit }.ToJsonString();
                var request = WireCodec.Decode(Encoding.UTF8.GetBytes(body), WireFormat.Json);
                var context = new OperationContext(f.Engine, CancellationToken.None);
                string streamed = Streamed(writer => new GetRecords().ExecuteJsonAsync(request, context, writer).AsTask().GetAwaiter().GetResult());
                string encoded = Encoded(new GetRecords().ExecuteAsync(request, context).AsTask().GetAwaiter().GetResult());
                same &= streamed == encoded;
                JsonObject answer = JsonNode.Parse(streamed)!.AsObject();
                read += answer["Records"]!.AsArray().Count;
                iterator = (string?)answer["NextShardIterator"];
            }
        }
        return (same && read >= Math.Min(written, 1)).Label($"same: {same}, read {read} of {written}");
    }

    [Property(MaxTest = 500)]
    public Property TimestampValue_AnyMilliseconds_FormatsAsTheDecimalQuotient(long ms, NonNegativeInt fraction)
    {
        long[] values = [ms % 253_402_300_799_000, Math.Abs(ms % 4_102_444_800_000), 1_700_000_000_000 + (fraction.Get % 1000), fraction.Get % 1000];
        bool same = true;
        foreach (long value in values)
        {
            string fast = Streamed(writer => WireCodec.WriteTimestampValue(writer, DateTimeOffset.FromUnixTimeMilliseconds(value)));
            string expected = Streamed(writer => writer.WriteNumberValue(value / 1000m));
            same &= fast == expected;
        }
        return same.Label(string.Join(",", values));
    }

    /// <summary>PutRecords or PutRecord bodies: members of every kind in any order (duplicates, unknown, wrong types),
    /// sometimes cut short or with a stray token inserted.</summary>
    private static Gen<string> Bodies(bool record)
    {
        Gen<string> scalar = Gen.OneOf(Gen.Elements(s_scalars), Base64Value());
        Gen<string> recordObject = Member(scalar).ArrayOf().Select(members => "{" + string.Join(",", members) + "}");
        Gen<string> records = Gen.OneOf(
            Gen.Elements(RecordItem(), RecordItem(), RecordItem()).ArrayOf().Select(items => "[" + string.Join(",", items) + "]"),
            Gen.OneOf(recordObject, scalar).ArrayOf().Select(items => "[" + string.Join(",", items) + "]"),
            scalar);
        Gen<string> member = Gen.OneOf(
            Member(scalar),
            records.Select(r => "\"Records\":" + r),
            Base64Value().Select(d => "\"Data\":" + d),
            Gen.Constant("\"PartitionKey\":\"pk\""),
            Gen.Constant("\"StreamName\":\"s\""));
        Gen<string> whole = member.ArrayOf().Select(members => "{" + string.Join(",", members) + "}");
        Gen<string> wellFormed = record
            ? Gen.Constant("{\"StreamName\":\"s\",\"Data\":\"AAEC\",\"PartitionKey\":\"k\",\"ExplicitHashKey\":\"7\",\"SequenceNumberForOrdering\":\"1\"}")
            : WellFormedPutRecords();
        return Gen.OneOf(whole, wellFormed, Mutated(whole), Mutated(wellFormed), Gen.Elements("", " ", "[]", "null", "{}", "{} {}", "{}x"));
    }

    private static Gen<string> Member(Gen<string> value)
        => from name in Gen.Elements(s_names)
           from v in value
           select $"\"{name}\":{v}";

    private static string RecordItem() => "{\"Data\":\"AAEC\",\"PartitionKey\":\"k\"}";

    private static Gen<string> Base64Value()
        => Gen.Choose(0, 40).Select(n =>
        {
            byte[] data = new byte[n];
            new Random(n * 7919).NextBytes(data);
            return "\"" + Convert.ToBase64String(data) + "\"";
        });

    private static Gen<string> WellFormedPutRecords()
    {
        Gen<string> item = from data in Base64Value()
                           from key in Gen.Elements("k", "p\\u00e9", "é€😀", "a b")
                           from hash in Gen.Elements("", ",\"ExplicitHashKey\":\"12345\"")
                           from keyFirst in Gen.Elements(true, false)
                           select keyFirst ? $"{{\"PartitionKey\":\"{key}\",\"Data\":{data}{hash}}}" : $"{{\"Data\":{data},\"PartitionKey\":\"{key}\"{hash}}}";
        return from items in item.ArrayOf()
               from stream in Gen.Elements("\"StreamName\":\"s\",", "\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/s\",", "")
               from space in Gen.Elements("", " \n\t")
               select $"{space}{{{stream}\"Records\":[{string.Join(",", items)}]}}{space}";
    }

    private static Gen<string> Mutated(Gen<string> bodies)
        => from body in bodies
           from at in Gen.Choose(0, 1000)
           from cut in Gen.Elements(true, false)
           from stray in Gen.Elements("{", "}", "]", ",", "\"", ":", "null", "\\", "\"Data\":\"AA==\"")
           select body.Length == 0 ? stray
               : cut ? body[..(at % body.Length)]
               : body.Insert(at % body.Length, stray);

    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (ProtocolException e)
        {
            return $"{e.ErrorType}: {e.Message}";
        }
        catch (KinesisException e)
        {
            return $"{e.ErrorType}: {e.Message}";
        }
    }

    private static string Describe((StreamRef Stream, PutRecordsEntry[] Entries) request)
    {
        var text = new StringBuilder($"{request.Stream.Name}|{request.Stream.Arn}");
        foreach (PutRecordsEntry entry in request.Entries)
        {
            text.Append($" [{Convert.ToHexString(entry.Data.Span)}|{entry.PartitionKey}|{entry.ExplicitHashKey}]");
        }
        return text.ToString();
    }

    private static string Describe((StreamRef Stream, PutRecordFields Record, string? Ordering) request)
        => $"{request.Stream.Name}|{request.Stream.Arn} [{(request.Record.Data is { } d ? Convert.ToHexString(d.Span) : "null")}|"
            + $"{request.Record.PartitionKey}|{request.Record.ExplicitHashKey}] {request.Ordering}";

    private static SequenceNumber Sequence(Random random)
        => new(random.NextInt64(0, SequenceNumber.MaxShardCreationSeconds), (uint)random.Next(0, 1000), random.Next(0, 1000), (ulong)random.NextInt64());

    private static string Streamed(Action<Utf8JsonWriter> write)
    {
        using var output = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(output))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static string Encoded(System.Text.Json.Nodes.JsonObject answer) => Encoding.UTF8.GetString(WireCodec.Encode(answer, WireFormat.Json));
}
