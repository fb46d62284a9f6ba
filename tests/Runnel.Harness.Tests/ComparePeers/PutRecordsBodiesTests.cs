using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Runnel.Harness.ComparePeers;
using Runnel.Protocol;
using Runnel.Security.Authentication;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The pre-built PutRecords bodies and their cached SigV4 signatures.</summary>
public class PutRecordsBodiesTests
{
    [Fact]
    public void Build_Workload_GivesValidBodiesOfDistinctKeysAndFullSizeRecords()
    {
        SignedBody[] bodies = PutRecordsBodies.Build("s", new PeerWorkload("w", 10, 1024), 3, seed: 1);

        Assert.Equal(3, bodies.Length);
        var keys = new HashSet<string>();
        foreach (SignedBody body in bodies)
        {
            Assert.Equal(KinesisTarget.Prefix + "PutRecords", body.Target);
            using JsonDocument json = JsonDocument.Parse(body.Payload);
            Assert.Equal("s", json.RootElement.GetProperty("StreamName").GetString());
            JsonElement[] records = [.. json.RootElement.GetProperty("Records").EnumerateArray()];
            Assert.Equal(10, records.Length);
            foreach (JsonElement record in records)
            {
                Assert.Equal(1024, record.GetProperty("Data").GetBytesFromBase64().Length);
                Assert.True(keys.Add(record.GetProperty("PartitionKey").GetString()!));
            }
        }
    }

    [Fact]
    public void Signature_SameSecond_IsCachedAndVerifiesAndTheNextSecondSignsAfresh()
    {
        SignedBody body = PutRecordsBodies.Build("s", new PeerWorkload("w", 2, 16), 1, seed: 2)[0];
        var now = new DateTime(2026, 11, 26, 18, 0, 0, 100, DateTimeKind.Utc);

        (string date, string authorization) = body.Signature(now, "127.0.0.1:4567");
        (string sameDate, string same) = body.Signature(now.AddMilliseconds(800), "127.0.0.1:4567");
        (string nextDate, string next) = body.Signature(now.AddSeconds(1), "127.0.0.1:4567");

        Assert.Equal(date, sameDate);
        Assert.Same(authorization, same);
        Assert.NotEqual(date, nextDate);
        Assert.NotEqual(authorization, next);
        Assert.True(Verify(body, date, authorization, now), "the cached signature verifies");
        Assert.True(Verify(body, nextDate, next, now.AddSeconds(1)), "the fresh signature verifies");
    }

    private static bool Verify(SignedBody body, string amzDate, string authorization, DateTime now)
    {
        CredentialStore store = CredentialStore.Parse(Encoding.UTF8.GetBytes($$"""
            {"principals": [{"accessKeyId": "{{SignedBody.AccessKeyId}}", "secretAccessKey": "{{SignedBody.SecretAccessKey}}", "arn": "arn:aws:iam::123456789012:user/bench"}]}
            """), "test");
        var verifier = new SigV4Verifier(store, SignedBody.Region, new FakeTimeProvider(new DateTimeOffset(now)));
        var request = new SigV4Request("POST", "/", "", new Dictionary<string, IReadOnlyList<string>>
        {
            ["Content-Type"] = [KinesisTarget.JsonContentType],
            ["Host"] = ["127.0.0.1:4567"],
            ["X-Amz-Date"] = [amzDate],
            ["X-Amz-Target"] = [body.Target],
            ["Authorization"] = [authorization],
        });
        return verifier.Verify(request, body.Payload).Succeeded;
    }
}
