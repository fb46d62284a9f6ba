using System.Text;
using System.Text.Json.Nodes;
using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>
/// A running server (<c>runnel serve</c>, or anything that speaks Kinesis) over HTTP, through compare-peers'
/// <see cref="PeerKinesisClient"/> (awsJson1_1, SigV4 with dummy credentials). Each PutRecords body is built
/// and signed per call (a few hundred calls a second at most).
/// </summary>
public sealed class WireShardLimitsTarget(Uri endpoint) : IShardLimitsTarget
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly PeerKinesisClient _client = new(endpoint, connections: 2);

    /// <inheritdoc/>
    public string Description => endpoint.ToString();

    /// <inheritdoc/>
    public async Task CreateStreamAsync(string stream, CancellationToken cancellationToken)
    {
        PeerReply created = await _client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = 1 }, s_timeout, cancellationToken).ConfigureAwait(false);
        if (!created.Ok)
        {
            throw new InvalidOperationException($"CreateStream {stream} at {endpoint}: {created.Error}");
        }
        for (int attempt = 0; attempt < 300; attempt++)
        {
            PeerReply summary = await _client.CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = stream }, s_timeout, cancellationToken).ConfigureAwait(false);
            if (summary.Ok && JsonNode.Parse(summary.Body)?["StreamDescriptionSummary"]?["StreamStatus"]?.GetValue<string>() == "ACTIVE")
            {
                return;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"Stream {stream} at {endpoint} did not become ACTIVE in 30 s.");
    }

    /// <inheritdoc/>
    public async Task<int> PutRecordsAsync(string stream, int count, int recordBytes, CancellationToken cancellationToken)
    {
        string data = Convert.ToBase64String(new byte[recordBytes - 1]);
        var json = new StringBuilder().Append("{\"StreamName\":\"").Append(stream).Append("\",\"Records\":[");
        for (int i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"Data\":\"").Append(data).Append("\",\"PartitionKey\":\"k\"}");
        }
        var body = new SignedBody("PutRecords", Encoding.UTF8.GetBytes(json.Append("]}").ToString()));
        PeerReply reply = await _client.CallAsync(body, s_timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Error == "ProvisionedThroughputExceededException")
        {
            return count; // a whole-request refusal: every record throttled
        }
        return (reply.Ok ? KinesisAnswers.PutRecordsFailed(reply.Body) : null)
            ?? throw new InvalidOperationException($"PutRecords at {endpoint}: {reply.Error ?? "an answer without FailedRecordCount"}");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
