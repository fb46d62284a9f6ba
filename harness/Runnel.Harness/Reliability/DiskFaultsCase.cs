using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Runnel.Harness.Reliability;

/// <summary>The result of one put as the client saw it.</summary>
/// <param name="Acked">Records acknowledged.</param>
/// <param name="Failed">Records refused.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Error">The error type (of the answer, or of the first failed PutRecords entry), or null.</param>
internal sealed record PutOutcome(int Acked, int Failed, int Status, string? Error)
{
    /// <summary>Refused with an InternalFailure: a 500 with the Kinesis envelope, or PutRecords entries with that ErrorCode.</summary>
    public bool IsInternalFailure => Acked == 0 && Failed > 0 && Error is not null && Error.StartsWith("InternalFailure", StringComparison.Ordinal)
        && (Status == 500 || Status == 200);

    /// <summary>Some records were refused, all with InternalFailure (those acknowledged beside them were committed earlier).</summary>
    public bool RefusedWithInternalFailure => Failed > 0 && Error is not null && Error.StartsWith("InternalFailure", StringComparison.Ordinal)
        && (Status == 500 || Status == 200);

    /// <inheritdoc/>
    public override string ToString() => $"HTTP {Status}, {Acked} acknowledged, {Failed} refused{(Error is null ? "" : $" ({Error})")}";
}

/// <summary>
/// The checks of one disk-fault case, shared by the strace and the full-disk cases: a stream <c>disk</c> (one shard)
/// gets acknowledged puts; then the fault; then the failed put must get no acknowledgement, later puts to that shard
/// must be refused with InternalFailure, the server's log must name the file, committed records must stay readable,
/// and a restart without the fault must bring back every acknowledged record and accept writes again.
/// </summary>
internal sealed class DiskFaultsCase(string name, TextWriter output)
{
    public const string Stream = "disk";
    public const string OtherStream = "other";

    private readonly List<(string Check, bool Passed, string Detail)> _checks = [];
    private int _counter;

    public string Name { get; } = name;

    public CrashLoopModel Model { get; } = new();

    public IReadOnlyList<(string Check, bool Passed, string Detail)> Checks => _checks;

    public bool Passed => _checks.Count > 0 && _checks.All(c => c.Passed);

    /// <summary>Records a check and prints it.</summary>
    public void Check(string check, bool passed, string detail)
    {
        _checks.Add((check, passed, detail));
        output.WriteLine($"  {(passed ? "PASS" : "FAIL")} {check}: {detail}");
    }

    /// <summary>Creates <see cref="Stream"/> and <see cref="OtherStream"/> (one shard each) and puts <paramref name="records"/> acknowledged records.</summary>
    public async Task SetUpAsync(CrashLoopClient client, int records, int size)
    {
        foreach (string stream in new[] { Stream, OtherStream })
        {
            KinesisReply reply = await client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = 1 }, CancellationToken.None).ConfigureAwait(false);
            if (!reply.Ok)
            {
                throw new InvalidOperationException($"CreateStream {stream}: {reply}");
            }
            Model.Streams[stream] = new StreamModel(stream) { Exists = true };
        }
        for (int i = 0; i < records; i++)
        {
            PutOutcome outcome = await PutAsync(client, Stream, i % 2 == 0 ? 1 : 3, size).ConfigureAwait(false);
            if (outcome.Failed > 0)
            {
                throw new InvalidOperationException($"a put before the fault failed: {outcome}");
            }
        }
    }

    /// <summary>PutRecord (<paramref name="count"/> = 1) or PutRecords; recorded in the model, acknowledged only on success.</summary>
    public async Task<PutOutcome> PutAsync(CrashLoopClient client, string stream, int count, int size)
    {
        var records = new SentRecord[count];
        for (int i = 0; i < count; i++)
        {
            string id = $"{Name}-{_counter++}";
            byte[] prefix = Encoding.ASCII.GetBytes(id + "\n");
            byte[] data = new byte[prefix.Length + size];
            prefix.CopyTo(data, 0);
            Random.Shared.NextBytes(data.AsSpan(prefix.Length));
            records[i] = new SentRecord(id, stream, $"pk-{_counter % 7}", data);
            Model.Sent[id] = records[i];
        }
        if (count == 1)
        {
            KinesisReply reply = await client.CallAsync("PutRecord", new JsonObject
            {
                ["StreamName"] = stream,
                ["Data"] = Convert.ToBase64String(records[0].Data),
                ["PartitionKey"] = records[0].PartitionKey,
            }, CancellationToken.None).ConfigureAwait(false);
            if (!reply.Ok)
            {
                return new PutOutcome(0, 1, reply.Status, reply.ErrorType);
            }
            records[0].ShardId = reply.Body!["ShardId"]!.GetValue<string>();
            records[0].SequenceNumber = reply.Body["SequenceNumber"]!.GetValue<string>();
            return new PutOutcome(1, 0, reply.Status, null);
        }
        var entries = new JsonArray();
        foreach (SentRecord record in records)
        {
            entries.Add(new JsonObject { ["Data"] = Convert.ToBase64String(record.Data), ["PartitionKey"] = record.PartitionKey });
        }
        KinesisReply batch = await client.CallAsync("PutRecords", new JsonObject { ["StreamName"] = stream, ["Records"] = entries }, CancellationToken.None).ConfigureAwait(false);
        if (!batch.Ok)
        {
            return new PutOutcome(0, count, batch.Status, batch.ErrorType);
        }
        int acked = 0;
        string? error = null;
        JsonArray results = batch.Body!["Records"]!.AsArray();
        for (int i = 0; i < count; i++)
        {
            if (results[i]?["SequenceNumber"]?.GetValue<string>() is { } sequence)
            {
                records[i].ShardId = results[i]!["ShardId"]!.GetValue<string>();
                records[i].SequenceNumber = sequence;
                acked++;
            }
            else
            {
                error ??= results[i]?["ErrorCode"]?.GetValue<string>();
            }
        }
        return new PutOutcome(acked, count - acked, batch.Status, error);
    }

    /// <summary>
    /// Puts until the first refused put (at most <paramref name="maxPuts"/>), then checks the fail-stop: that put and
    /// the next ones get InternalFailure and no acknowledgement.
    /// </summary>
    public async Task DriveToFailureAsync(CrashLoopClient client, int maxPuts, int size, Func<int, int> batchSize)
    {
        PutOutcome? failure = null;
        int acknowledgedBefore = 0;
        for (int i = 0; i < maxPuts && failure is null; i++)
        {
            PutOutcome outcome = await PutAsync(client, Stream, batchSize(i), size).ConfigureAwait(false);
            if (outcome.Failed > 0)
            {
                failure = outcome;
            }
            else
            {
                acknowledgedBefore += outcome.Acked;
            }
        }
        if (failure is null)
        {
            Check("the fault is hit", false, $"{maxPuts} puts were all acknowledged");
            return;
        }
        // A PutRecords call can straddle two group commits: its first records may be committed (and acknowledged)
        // by the batch before the one that failed. Those are durable and the restart check reads them back; every
        // record of the failed batch must be refused with InternalFailure.
        Check("the failed batch gets no acknowledgement", failure.RefusedWithInternalFailure,
            $"{failure} after {acknowledgedBefore} records acknowledged under the fault");
        var later = new List<PutOutcome>();
        for (int i = 0; i < 4; i++)
        {
            later.Add(await PutAsync(client, Stream, i % 2 == 0 ? 1 : 5, size).ConfigureAwait(false));
        }
        PutOutcome single = later[0];
        Check("the shard stops accepting writes", later.All(o => o.IsInternalFailure),
            string.Join("; ", later.Select(o => o.ToString())));
        Check("PutRecord after the failure: HTTP 500 with the Kinesis envelope", single.Status == 500 && single.Error?.StartsWith("InternalFailure", StringComparison.Ordinal) == true,
            single.ToString());
    }

    /// <summary>The server's output has a line naming the failed file (a path under <paramref name="dataDirectory"/>).</summary>
    public void CheckLogNamesFile(CrashLoopServer server, string dataDirectory, string? expectedFile)
    {
        string pattern = expectedFile is not null
            ? Regex.Escape(expectedFile)
            : Regex.Escape(Path.Combine(dataDirectory, "streams", Stream + "-")) + @"\S*/shard-000000000000/\S+";
        Match match = Regex.Match(server.Output, @"^.*Storage failure on " + pattern + ".*$", RegexOptions.Multiline);
        Check("a log line names the file", match.Success,
            match.Success ? Shorten(match.Value.Trim()) : $"no 'Storage failure on {expectedFile ?? dataDirectory + "/streams/disk-*/..."}' line in the server output");
    }

    /// <summary>The log line without its exception's stack trace (the console logger prints it on the same line).</summary>
    private static string Shorten(string line)
    {
        int stack = line.IndexOf(" Runnel.Storage.LogFailedException", StringComparison.Ordinal);
        return stack > 0 ? line[..stack] : line;
    }

    /// <summary>Reads everything back and checks the model (every acknowledged record, nothing never sent).</summary>
    public async Task CheckReadsAsync(CrashLoopClient client, string check)
    {
        VerifyResult result = await Model.VerifyAsync(client, CancellationToken.None).ConfigureAwait(false);
        int acked = Model.Sent.Values.Count(r => r.MustExist && r.Stream == Stream);
        Check(check, result.Problems.Count == 0,
            result.Problems.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{result.AcknowledgedVerified} acknowledged records read back byte for byte ({acked} in '{Stream}')")
                : string.Join("; ", result.Problems.Take(5)));
    }

    /// <summary>After the restart, the shard accepts writes again.</summary>
    public async Task CheckWritesResumeAsync(CrashLoopClient client)
    {
        PutOutcome single = await PutAsync(client, Stream, 1, 64).ConfigureAwait(false);
        PutOutcome batch = await PutAsync(client, Stream, 4, 64).ConfigureAwait(false);
        Check("writes resume after the restart", single.Acked == 1 && batch.Acked == 4, $"{single}; {batch}");
    }
}
