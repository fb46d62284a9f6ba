using System.Collections.Concurrent;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Runnel.Harness.Reliability;

/// <summary>A record the clients sent: its identity and bytes, and its acknowledgement if it got one.</summary>
internal sealed class SentRecord(string id, string stream, string partitionKey, byte[] data)
{
    public string Id { get; } = id;
    public string Stream { get; } = stream;
    public string PartitionKey { get; } = partitionKey;
    public byte[] Data { get; } = data;

    /// <summary>The shard of the acknowledgement (or of the first read, for a record whose put had no answer).</summary>
    public string? ShardId { get; set; }

    /// <summary>The sequence number of the acknowledgement (or of the first read).</summary>
    public string? SequenceNumber { get; set; }

    /// <summary>True once acknowledged or seen after a restart: from then on it must always be there.</summary>
    public bool MustExist => SequenceNumber is not null;
}

/// <summary>What the clients know about one stream.</summary>
internal sealed class StreamModel(string name)
{
    public string Name { get; } = name;

    /// <summary>CreateStream was acknowledged, or the stream was seen after a restart.</summary>
    public bool Exists { get; set; }

    /// <summary>A CreateStream whose outcome is unknown.</summary>
    public bool CreatePending { get; set; }

    /// <summary>DeleteStream was sent (acknowledged or not).</summary>
    public bool DeleteSent { get; set; }

    /// <summary>DeleteStream was acknowledged.</summary>
    public bool DeleteAcked { get; set; }

    /// <summary>Known gone (deletion seen or acknowledged, or a create that never happened): no longer used or read.</summary>
    public bool Gone { get; set; }

    /// <summary>Shards whose closing (SplitShard, MergeShards) was acknowledged.</summary>
    public HashSet<string> ClosedAcked { get; } = [];

    /// <summary>The open shard count an acknowledged UpdateShardCount promised, while no later resharding was sent.</summary>
    public int? ExpectedOpenCount { get; set; }

    /// <summary>The open shards as last listed: (id, start, end).</summary>
    public List<(string Id, BigInteger Start, BigInteger End)> OpenShards { get; set; } = [];

    /// <summary>Usable for puts and resharding: exists, not deleted.</summary>
    public bool Live => Exists && !DeleteSent && !Gone;
}

/// <summary>
/// The clients' view of one data directory's history: every record sent (with its acknowledgement) and every stream
/// operation. <see cref="VerifyAsync"/> reads everything back from a restarted server and checks it against this.
/// </summary>
internal sealed class CrashLoopModel
{
    private static readonly BigInteger s_maxHashKey = (BigInteger.One << 128) - 1;

    public ConcurrentDictionary<string, SentRecord> Sent { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, StreamModel> Streams { get; } = new(StringComparer.Ordinal);

    /// <summary>The streams puts may go to.</summary>
    public StreamModel[] LiveStreams() => [.. Streams.Values.Where(s => s.Live).OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The record id at the start of a record's data: everything before the first newline.</summary>
    public static string? IdOf(byte[] data)
    {
        int newline = Array.IndexOf(data, (byte)'\n');
        return newline <= 0 ? null : Encoding.ASCII.GetString(data, 0, newline);
    }

    /// <summary>
    /// Reads every stream and shard from <paramref name="client"/> and checks the model; records whose put had no
    /// answer and that are found are adopted (they must stay). Returns the problems found (empty = pass).
    /// </summary>
    public async Task<VerifyResult> VerifyAsync(CrashLoopClient client, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int recordsRead = 0;

        // No stream the clients never asked for.
        HashSet<string> listed = await ListStreamNamesAsync(client, cancellationToken).ConfigureAwait(false);
        foreach (string name in listed)
        {
            if (!Streams.ContainsKey(name))
            {
                problems.Add($"stream {name} exists but was never created");
            }
        }

        foreach (StreamModel stream in Streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (stream.Gone)
            {
                if (listed.Contains(stream.Name))
                {
                    KinesisReply gone = await client.CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = stream.Name }, cancellationToken).ConfigureAwait(false);
                    string? goneStatus = gone.Body?["StreamDescriptionSummary"]?["StreamStatus"]?.GetValue<string>();
                    if (goneStatus != "DELETING")
                    {
                        problems.Add($"stream {stream.Name} came back ({goneStatus}) after it was gone");
                    }
                }
                continue;
            }
            KinesisReply summary = await client.CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = stream.Name }, cancellationToken).ConfigureAwait(false);
            string? status = summary.Body?["StreamDescriptionSummary"]?["StreamStatus"]?.GetValue<string>();
            bool exists = summary.Ok && status is not null;
            if (!summary.Ok && summary.ErrorType != "ResourceNotFoundException")
            {
                problems.Add($"DescribeStreamSummary {stream.Name}: {summary}");
                continue;
            }
            if (stream.DeleteAcked || (stream.DeleteSent && (!exists || status == "DELETING")))
            {
                if (exists && status != "DELETING")
                {
                    problems.Add($"stream {stream.Name}: DeleteStream was acknowledged but the stream is {status}");
                }
                stream.Gone = true;
                continue;
            }
            if (!exists)
            {
                if (stream.Exists)
                {
                    problems.Add($"stream {stream.Name}: its CreateStream was acknowledged but the stream is missing");
                }
                stream.Gone = true; // a create that never happened
                continue;
            }
            if (status == "DELETING")
            {
                problems.Add($"stream {stream.Name} is DELETING but DeleteStream was never sent");
                stream.Gone = true;
                continue;
            }
            stream.Exists = true;
            stream.CreatePending = false;
            stream.DeleteSent = false; // an unanswered DeleteStream that never happened
            await VerifyStreamAsync(client, stream, problems, seen, n => recordsRead += n, cancellationToken).ConfigureAwait(false);
        }

        // Every record that must exist was found (streams that are gone take their records with them).
        foreach (SentRecord record in Sent.Values)
        {
            if (record.MustExist && !seen.Contains(record.Id) && Streams.TryGetValue(record.Stream, out StreamModel? owner) && !owner.Gone)
            {
                problems.Add($"acknowledged record {record.Id} ({record.ShardId} {record.SequenceNumber}) in {record.Stream} is missing");
            }
        }
        return new VerifyResult(problems, recordsRead, Sent.Values.Count(r => r.MustExist && seen.Contains(r.Id)));
    }

    private async Task VerifyStreamAsync(CrashLoopClient client, StreamModel stream, List<string> problems, HashSet<string> seen,
        Action<int> countRead, CancellationToken cancellationToken)
    {
        List<JsonObject> shards = await ListShardsAsync(client, stream.Name, cancellationToken).ConfigureAwait(false);
        var byId = shards.ToDictionary(s => s["ShardId"]!.GetValue<string>(), StringComparer.Ordinal);
        var open = new List<(string Id, BigInteger Start, BigInteger End)>();
        foreach (JsonObject shard in shards)
        {
            string id = shard["ShardId"]!.GetValue<string>();
            (BigInteger start, BigInteger end) = RangeOf(shard);
            bool closed = shard["SequenceNumberRange"]?["EndingSequenceNumber"] is not null;
            if (!closed)
            {
                open.Add((id, start, end));
            }
            foreach (string parentKey in new[] { "ParentShardId", "AdjacentParentShardId" })
            {
                if (shard[parentKey]?.GetValue<string>() is { } parent && !byId.ContainsKey(parent))
                {
                    problems.Add($"{stream.Name}/{id}: {parentKey} {parent} is not listed");
                }
            }
            if (closed)
            {
                // Its children cover its hash range.
                List<(BigInteger Start, BigInteger End)> children = [.. shards
                    .Where(c => c["ParentShardId"]?.GetValue<string>() == id || c["AdjacentParentShardId"]?.GetValue<string>() == id)
                    .Select(RangeOf).OrderBy(r => r.Start)];
                if (!Covers(children, start, end))
                {
                    problems.Add($"{stream.Name}/{id} is CLOSED but its children do not cover its hash range {start}-{end}");
                }
            }
        }
        foreach (string acked in stream.ClosedAcked)
        {
            if (!byId.TryGetValue(acked, out JsonObject? shard) || shard["SequenceNumberRange"]?["EndingSequenceNumber"] is null)
            {
                problems.Add($"{stream.Name}/{acked}: its resharding was acknowledged but the shard is not CLOSED");
            }
        }
        open.Sort((a, b) => a.Start.CompareTo(b.Start));
        if (!Covers([.. open.Select(o => (o.Start, o.End))], BigInteger.Zero, s_maxHashKey) || HasOverlap(open))
        {
            problems.Add($"{stream.Name}: the open shards do not partition the hash key space: {string.Join(", ", open.Select(o => $"{o.Id} {o.Start}-{o.End}"))}");
        }
        if (stream.ExpectedOpenCount is { } expected && open.Count != expected)
        {
            problems.Add($"{stream.Name}: UpdateShardCount to {expected} was acknowledged but {open.Count} shards are open");
        }
        stream.OpenShards = open;

        foreach (JsonObject shard in shards)
        {
            string shardId = shard["ShardId"]!.GetValue<string>();
            List<JsonObject> records = await ReadShardAsync(client, stream.Name, shardId, problems, cancellationToken).ConfigureAwait(false);
            countRead(records.Count);
            BigInteger previous = BigInteger.MinusOne;
            foreach (JsonObject record in records)
            {
                string sequence = record["SequenceNumber"]!.GetValue<string>();
                BigInteger number = BigInteger.Parse(sequence, System.Globalization.CultureInfo.InvariantCulture);
                if (number <= previous)
                {
                    problems.Add($"{stream.Name}/{shardId}: sequence {sequence} does not increase (previous {previous})");
                }
                previous = number;
                byte[] data = Convert.FromBase64String(record["Data"]!.GetValue<string>());
                string key = record["PartitionKey"]!.GetValue<string>();
                string? id = IdOf(data);
                if (id is null || !Sent.TryGetValue(id, out SentRecord? sent))
                {
                    problems.Add($"{stream.Name}/{shardId} {sequence}: a record that was never sent ({data.Length} bytes, id {id ?? "none"})");
                    continue;
                }
                if (!seen.Add(id))
                {
                    problems.Add($"{stream.Name}/{shardId} {sequence}: record {id} appears twice");
                    continue;
                }
                if (sent.Stream != stream.Name)
                {
                    problems.Add($"{stream.Name}/{shardId} {sequence}: record {id} was sent to stream {sent.Stream}");
                }
                if (!data.AsSpan().SequenceEqual(sent.Data) || key != sent.PartitionKey)
                {
                    problems.Add($"{stream.Name}/{shardId} {sequence}: record {id} differs from what was sent (data or partition key)");
                }
                if (sent.SequenceNumber is null)
                {
                    sent.ShardId = shardId; // an unanswered put that is durable: it must stay
                    sent.SequenceNumber = sequence;
                }
                else if (sent.ShardId != shardId || sent.SequenceNumber != sequence)
                {
                    problems.Add($"record {id}: acknowledged as {sent.ShardId} {sent.SequenceNumber}, found as {shardId} {sequence}");
                }
            }
        }
    }

    /// <summary>Lists the open shards of <paramref name="stream"/> (for the control operations).</summary>
    public static async Task<List<(string Id, BigInteger Start, BigInteger End)>> OpenShardsAsync(CrashLoopClient client, string stream, CancellationToken cancellationToken)
    {
        List<JsonObject> shards = await ListShardsAsync(client, stream, cancellationToken).ConfigureAwait(false);
        return [.. shards.Where(s => s["SequenceNumberRange"]?["EndingSequenceNumber"] is null)
            .Select(s => { (BigInteger a, BigInteger b) = RangeOf(s); return (s["ShardId"]!.GetValue<string>(), a, b); })
            .OrderBy(s => s.a)];
    }

    private static async Task<HashSet<string>> ListStreamNamesAsync(CrashLoopClient client, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var request = new JsonObject { ["Limit"] = 1000 };
            if (next is not null)
            {
                request["NextToken"] = next;
            }
            KinesisReply reply = await client.CallAsync("ListStreams", request, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
            {
                throw new InvalidOperationException($"ListStreams: {reply}");
            }
            foreach (JsonNode? name in reply.Body!["StreamNames"]!.AsArray())
            {
                names.Add(name!.GetValue<string>());
            }
            next = reply.Body["HasMoreStreams"]?.GetValue<bool>() == true ? reply.Body["NextToken"]?.GetValue<string>() : null;
        }
        while (next is not null);
        return names;
    }

    private static async Task<List<JsonObject>> ListShardsAsync(CrashLoopClient client, string stream, CancellationToken cancellationToken)
    {
        var shards = new List<JsonObject>();
        var request = new JsonObject { ["StreamName"] = stream };
        while (true)
        {
            KinesisReply reply = await client.CallAsync("ListShards", request, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
            {
                throw new InvalidOperationException($"ListShards {stream}: {reply}");
            }
            shards.AddRange(reply.Body!["Shards"]!.AsArray().Select(s => (JsonObject)s!.DeepClone()));
            if (reply.Body["NextToken"]?.GetValue<string>() is not { } next)
            {
                return shards;
            }
            request = new JsonObject { ["NextToken"] = next };
        }
    }

    private static async Task<List<JsonObject>> ReadShardAsync(CrashLoopClient client, string stream, string shardId, List<string> problems, CancellationToken cancellationToken)
    {
        var records = new List<JsonObject>();
        KinesisReply iterator = await client.CallAsync("GetShardIterator",
            new JsonObject { ["StreamName"] = stream, ["ShardId"] = shardId, ["ShardIteratorType"] = "TRIM_HORIZON" }, cancellationToken).ConfigureAwait(false);
        if (!iterator.Ok)
        {
            problems.Add($"{stream}/{shardId}: GetShardIterator failed: {iterator}");
            return records;
        }
        string? next = iterator.Body!["ShardIterator"]?.GetValue<string>();
        while (next is not null)
        {
            KinesisReply page = await client.CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = next, ["Limit"] = 10000 }, cancellationToken).ConfigureAwait(false);
            if (!page.Ok)
            {
                problems.Add($"{stream}/{shardId}: GetRecords failed: {page}");
                return records;
            }
            JsonArray batch = page.Body!["Records"]!.AsArray();
            records.AddRange(batch.Select(r => (JsonObject)r!.DeepClone()));
            next = page.Body["NextShardIterator"]?.GetValue<string>();
            if (batch.Count == 0 && page.Body["MillisBehindLatest"]?.GetValue<long>() == 0)
            {
                break; // the tip of an open shard
            }
        }
        return records;
    }

    private static (BigInteger Start, BigInteger End) RangeOf(JsonObject shard)
    {
        JsonNode range = shard["HashKeyRange"]!;
        return (BigInteger.Parse(range["StartingHashKey"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            BigInteger.Parse(range["EndingHashKey"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>True when the sorted ranges cover every key of [start, end].</summary>
    private static bool Covers(List<(BigInteger Start, BigInteger End)> sorted, BigInteger start, BigInteger end)
    {
        BigInteger next = start;
        foreach ((BigInteger a, BigInteger b) in sorted)
        {
            if (a > next)
            {
                return false;
            }
            if (b + 1 > next)
            {
                next = b + 1;
            }
            if (next > end)
            {
                return true;
            }
        }
        return next > end;
    }

    private static bool HasOverlap(List<(string Id, BigInteger Start, BigInteger End)> sorted)
    {
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Start <= sorted[i - 1].End)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>The outcome of one verification.</summary>
/// <param name="Problems">What failed (empty = pass).</param>
/// <param name="RecordsRead">Records read back from the server.</param>
/// <param name="AcknowledgedVerified">Records that had to be there and were, byte for byte.</param>
internal sealed record VerifyResult(List<string> Problems, int RecordsRead, int AcknowledgedVerified);
