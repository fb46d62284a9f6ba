using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Security.Audit;

namespace Runnel.Security.Tests.Audit;

public class AuditRedactionTests
{
    private const string Canary = "CANARY-7f3c9b2e-never-in-the-audit-trail";

    [Fact]
    public void RequestParameters_PutRecord_DropsDataKeepsKeys()
    {
        string data = Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary));
        JsonObject request = JsonNode.Parse($$"""{"StreamName":"s","Data":"{{data}}","PartitionKey":"pk-1","ExplicitHashKey":"42"}""")!.AsObject();

        JsonObject parameters = AuditRedaction.RequestParameters(request)!;

        Assert.Equal("""{"streamName":"s","partitionKey":"pk-1","explicitHashKey":"42"}""", parameters.ToJsonString());
        string line = Encoding.UTF8.GetString(AuditJson.ToLine(AuditRecords.Sample(0, "PutRecord", request)));
        Assert.DoesNotContain(data, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, line, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestParameters_PutRecords_DropsEveryRecordsData()
    {
        string data = Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary));
        JsonObject request = JsonNode.Parse($$"""
            {"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s",
             "Records":[{"Data":"{{data}}","PartitionKey":"a"},{"Data":"{{data}}","PartitionKey":"b","ExplicitHashKey":"7"}]}
            """)!.AsObject();

        JsonObject parameters = AuditRedaction.RequestParameters(request)!;

        Assert.Equal("""{"streamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","records":[{"partitionKey":"a"},{"partitionKey":"b","explicitHashKey":"7"}]}""",
            parameters.ToJsonString());
    }

    [Fact]
    public void RequestParameters_CborBlob_IsNeverCopied()
    {
        // CBOR requests arrive with blobs as byte arrays; one under another name must not leak either.
        var request = new JsonObject
        {
            ["StreamName"] = "s",
            ["Data"] = JsonValue.Create(Encoding.UTF8.GetBytes(Canary)),
            ["Other"] = JsonValue.Create(Encoding.UTF8.GetBytes(Canary)),
            ["Since"] = JsonValue.Create(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        };

        string line = Encoding.UTF8.GetString(AuditJson.ToLine(AuditRecords.Sample(0, "PutRecord", request)));

        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), line, StringComparison.Ordinal);
        Assert.DoesNotContain("other", line, StringComparison.Ordinal);
        Assert.Contains("\"since\":\"2026-01-02T03:04:05+00:00\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestParameters_NullMember_IsKeptAsNull()
    {
        JsonObject request = JsonNode.Parse("""{"StreamName":null,"Limit":5}""")!.AsObject();

        Assert.Equal("""{"streamName":null,"limit":5}""", AuditRedaction.RequestParameters(request)!.ToJsonString());
    }

    [Fact]
    public void ResponseElements_ReadOnlyOrEmpty_AreNull()
    {
        Assert.Null(AuditRedaction.ResponseElements("DescribeStream", new JsonObject { ["StreamDescription"] = new JsonObject() }));
        Assert.Null(AuditRedaction.ResponseElements("CreateStream", []));
        Assert.Null(AuditRedaction.ResponseElements("CreateStream", null));
    }

    [Fact]
    public void ResponseElements_PutRecords_KeepsOnlyCounts()
    {
        var response = new JsonObject
        {
            ["FailedRecordCount"] = 1,
            ["Records"] = new JsonArray(new JsonObject { ["SequenceNumber"] = "1", ["ShardId"] = "shardId-000000000000" }),
            ["EncryptionType"] = "NONE",
        };

        Assert.Equal("""{"failedRecordCount":1,"encryptionType":"NONE"}""", AuditRedaction.ResponseElements("PutRecords", response)!.ToJsonString());
    }

    [Fact]
    public void ResponseElements_PutRecord_KeepsShardAndSequence()
    {
        var response = new JsonObject { ["ShardId"] = "shardId-000000000001", ["SequenceNumber"] = "4960", ["EncryptionType"] = "NONE" };

        Assert.Equal("""{"shardId":"shardId-000000000001","sequenceNumber":"4960","encryptionType":"NONE"}""",
            AuditRedaction.ResponseElements("PutRecord", response)!.ToJsonString());
    }

    /// <summary>Whatever the body (JSON or CBOR-decoded, one record or many, other members around), no record's Data
    /// (as base64 or as its text) appears in the audit line.</summary>
    [Property(MaxTest = 300)]
    public Property AuditLine_AnyPutBody_NeverContainsRecordData()
    {
        Gen<string> keys = Gen.Elements("pk", "user-1", "ключ", "a b", "\"quoted\"");
        Gen<byte[]> payloads = Gen.Choose(0, 1 << 30).Select(n => Encoding.UTF8.GetBytes($"{Canary}-{n}"));
        Gen<JsonObject> entries = Gen.Zip(Gen.Zip(payloads, keys, (p, k) => (Payload: p, Key: k)), Gen.Elements(true, false), (t, asText) =>
        {
            var entry = new JsonObject { ["PartitionKey"] = t.Key };
            entry["Data"] = asText ? JsonValue.Create(Convert.ToBase64String(t.Payload)) : JsonValue.Create(t.Payload);
            return entry;
        });
        Gen<(JsonObject Body, string Name)> bodies = Gen.OneOf(
            entries.Select(e =>
            {
                e["StreamName"] = "s";
                return (e, "PutRecord");
            }),
            entries.ListOf().Select(list =>
            {
                var records = new JsonArray();
                foreach (JsonObject e in list)
                {
                    records.Add(e);
                }
                return (new JsonObject { ["StreamName"] = "s", ["Records"] = records }, "PutRecords");
            }));
        return Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            // Through JSON text too, as a JSON request arrives (blobs become base64 strings).
            JsonObject parsed = JsonNode.Parse(body.Body.ToJsonString())!.AsObject();
            string fromNodes = Encoding.UTF8.GetString(AuditJson.ToLine(AuditRecords.Sample(0, body.Name, body.Body)));
            string fromText = Encoding.UTF8.GetString(AuditJson.ToLine(AuditRecords.Sample(0, body.Name, parsed)));
            return !fromNodes.Contains(Canary, StringComparison.Ordinal) && !fromText.Contains(Canary, StringComparison.Ordinal)
                && !fromNodes.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary))[..20], StringComparison.Ordinal)
                && !fromText.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary))[..20], StringComparison.Ordinal);
        });
    }
}
