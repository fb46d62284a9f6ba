using System.Text.Json;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// Pre-built PutRecords bodies for a workload: random data (incompressible, different in every record) under
/// distinct partition keys, so the records spread over every shard. Built once before the clock starts; callers
/// take them round-robin, so building and base64-encoding is no part of any target's figures.
/// </summary>
public static class PutRecordsBodies
{
    /// <summary>Builds <paramref name="count"/> bodies of <paramref name="workload"/> for <paramref name="stream"/>, from <paramref name="seed"/>.</summary>
    public static SignedBody[] Build(string stream, PeerWorkload workload, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var random = new Random(seed);
        byte[] data = new byte[workload.RecordBytes];
        var bodies = new SignedBody[count];
        for (int b = 0; b < count; b++)
        {
            using var buffer = new MemoryStream(workload.RecordsPerCall * (workload.RecordBytes * 4 / 3 + 64) + 64);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("StreamName", stream);
                json.WriteStartArray("Records");
                for (int r = 0; r < workload.RecordsPerCall; r++)
                {
                    random.NextBytes(data);
                    json.WriteStartObject();
                    json.WriteBase64String("Data", data);
                    json.WriteString("PartitionKey", $"pk-{b}-{r}-{random.Next()}");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            bodies[b] = new SignedBody("PutRecords", buffer.ToArray());
        }
        return bodies;
    }
}
