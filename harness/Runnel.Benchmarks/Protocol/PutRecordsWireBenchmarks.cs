using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Protocol.Json;
using Runnel.Server.Http;
using Runnel.Server.Operations;
using Runnel.Streams;

namespace Runnel.Benchmarks.Protocol;

/// <summary>
/// One PutRecords call's wire work without the engine: decode a 500 x 1 KiB awsJson1_1 body into the engine's entries,
/// then encode a 500-record answer. <see cref="Generic"/> is the path CBOR (and JSON with the audit trail or
/// authorization on) takes: <c>JsonNode</c> tree, UTF-16 base64, <c>JsonObject</c> answer. <see cref="Streaming"/>
/// is the JSON fast path: <see cref="PutRecordsJsonReader"/> into a pooled arena, <see cref="PutRecords.Write"/> into
/// a pooled buffer. Allocated bytes are the figure to watch (the server's garbage per record).
/// </summary>
[BenchmarkCategory(Categories.Wire)]
public class PutRecordsWireBenchmarks
{
    private byte[] _body = [];
    private PutRecordsResult _result = null!;

    /// <summary>Records per call.</summary>
    [Params(500, 10)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var json = new StringBuilder("{\"StreamName\":\"bench\",\"Records\":[");
        var entries = new PutRecordsResultEntry[Records];
        byte[] data = new byte[1024];
        for (int i = 0; i < Records; i++)
        {
            random.NextBytes(data);
            json.Append(i == 0 ? "" : ",").Append("{\"Data\":\"").Append(Convert.ToBase64String(data))
                .Append("\",\"PartitionKey\":\"key-").Append(random.Next()).Append("\"}");
            entries[i] = new PutRecordsResultEntry(new SequenceNumber(1_700_000_000, 7, i % 4, (ulong)i + 1), new ShardId(i % 4), null, null);
        }
        _body = Encoding.UTF8.GetBytes(json.Append("]}").ToString());
        _result = new PutRecordsResult(0, entries, "NONE");
    }

    [Benchmark(Baseline = true)]
    public int Generic()
    {
        (_, PutRecordsEntry[] entries) = PutRecords.Read(WireCodec.Decode(_body, WireFormat.Json));
        return entries.Length + WireCodec.Encode(PutRecords.Answer(_result), WireFormat.Json).Length;
    }

    [Benchmark]
    public int Streaming()
    {
        byte[] arena = ArrayPool<byte>.Shared.Rent(PutRecordsJsonReader.ArenaLength(_body.Length));
        try
        {
            if (!PutRecordsJsonReader.TryReadPutRecords(_body, arena, out _, out _, out List<PutRecordFields>? records))
            {
                throw new InvalidOperationException("The benchmark body is not in the fast path's shape.");
            }
            PutRecordsEntry[] entries = PutRecords.Entries(records);
            using var output = new PooledBufferWriter();
            using (var writer = new Utf8JsonWriter(output))
            {
                PutRecords.Write(writer, _result);
            }
            return entries.Length + (int)output.WrittenCount;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(arena);
        }
    }
}
