using System.Text;
using System.Text.Json.Nodes;
using Runnel.Harness.ComparePeers;
using Runnel.Server;
using Runnel.Testing;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The generator's client against an in-process server: GetRecords pages parsed from the pooled buffer, errors whole.</summary>
public class PeerKinesisClientTests
{
    [Fact]
    public async Task GetRecordsAsync_PageAndError_ParsedOrReturnedWhole()
    {
        using var directory = new TempDirectory();
        await using RunnelServer server = await InProcessServer.StartAsync(directory.Path, limitsEnabled: false);
        using var client = new PeerKinesisClient(server.PlainEndpoint!, 2);
        TimeSpan timeout = TimeSpan.FromSeconds(30);
        Assert.True((await client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = "c", ["ShardCount"] = 1 }, timeout)).Ok);
        var records = new JsonArray();
        for (int i = 0; i < 25; i++)
        {
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(new byte[i * 10]), ["PartitionKey"] = "k" + i });
        }
        Assert.True((await client.CallAsync("PutRecords", new JsonObject { ["StreamName"] = "c", ["Records"] = records }, timeout)).Ok);
        PeerReply iterator = await client.CallAsync("GetShardIterator",
            new JsonObject { ["StreamName"] = "c", ["ShardId"] = "shardId-000000000000", ["ShardIteratorType"] = "TRIM_HORIZON" }, timeout);
        string shardIterator = JsonNode.Parse(iterator.Body)!["ShardIterator"]!.GetValue<string>();

        (PeerReply reply, GetRecordsPage? page) = await client.GetRecordsAsync(Body(shardIterator), timeout);
        (PeerReply refused, GetRecordsPage? none) = await client.GetRecordsAsync(Body("not-an-iterator"), timeout);

        Assert.True(reply.Ok);
        Assert.Equal(25, page!.Records);
        Assert.Equal(Enumerable.Range(0, 25).Sum(i => i * 10), page.DataBytes);
        Assert.NotNull(page.NextShardIterator);
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidArgumentException", refused.Error);
        Assert.Null(none);
    }

    private static SignedBody Body(string iterator)
        => new("GetRecords", Encoding.UTF8.GetBytes(new JsonObject { ["ShardIterator"] = iterator }.ToJsonString()));
}
