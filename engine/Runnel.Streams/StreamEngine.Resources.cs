using System.Text.Json;
using Runnel.Streams.Catalog;
using Runnel.Streams.Errors;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>Resources addressed by ARN (stream or consumer): resource policies and tags; account settings and
/// warm throughput.</summary>
public sealed partial class StreamEngine
{
    private const long CommitmentMinimumMs = 24L * 3_600_000;

    /// <summary>PutResourcePolicy: attaches a JSON policy document to a stream or a consumer.</summary>
    public void PutResourcePolicy(string resourceArn, string policy)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        ArgumentNullException.ThrowIfNull(policy);
        Throttle("PutResourcePolicy");
        try
        {
            using JsonDocument document = JsonDocument.Parse(policy);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw KinesisException.Invalid("The policy must be a JSON object.");
            }
        }
        catch (JsonException)
        {
            throw KinesisException.Invalid("The policy is not valid JSON.");
        }
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            if (consumer is null)
            {
                stream.Document.ResourcePolicy = policy;
            }
            else
            {
                consumer.ResourcePolicy = policy;
            }
            Persist();
        }
    }

    /// <summary>GetResourcePolicy: the policy document, or "{}" when none is attached.</summary>
    public string GetResourcePolicy(string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        Throttle("GetResourcePolicy");
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            return (consumer is null ? stream.Document.ResourcePolicy : consumer.ResourcePolicy) ?? "{}";
        }
    }

    /// <summary>DeleteResourcePolicy.</summary>
    public void DeleteResourcePolicy(string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        Throttle("DeleteResourcePolicy");
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            if ((consumer?.ResourcePolicy ?? stream.Document.ResourcePolicy) is null)
            {
                throw KinesisException.NotFound($"No resource policy found for resource ARN {resourceArn}.");
            }
            if (consumer is null)
            {
                stream.Document.ResourcePolicy = null;
            }
            else
            {
                consumer.ResourcePolicy = null;
            }
            Persist();
        }
    }

    /// <summary>TagResource: upsert tags on a stream or a consumer (at most 50).</summary>
    public void TagResource(string resourceArn, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        ArgumentNullException.ThrowIfNull(tags);
        Throttle("TagResource");
        ValidateTags(tags);
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            SortedDictionary<string, string> target = consumer?.Tags ?? stream.Document.Tags;
            if (target.Count + tags.Keys.Count(k => !target.ContainsKey(k)) > MaxTagsPerStream)
            {
                throw TooManyTags(stream.Name);
            }
            foreach ((string key, string value) in tags)
            {
                target[key] = value;
            }
            Persist();
        }
    }

    /// <summary>UntagResource: unknown keys are ignored.</summary>
    public void UntagResource(string resourceArn, IReadOnlyList<string> tagKeys)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        ArgumentNullException.ThrowIfNull(tagKeys);
        Throttle("UntagResource");
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            SortedDictionary<string, string> target = consumer?.Tags ?? stream.Document.Tags;
            foreach (string key in tagKeys)
            {
                target.Remove(key);
            }
            Persist();
        }
    }

    /// <summary>ListTagsForResource: every tag of a stream or a consumer, by key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ListTagsForResource(string resourceArn)
    {
        ArgumentNullException.ThrowIfNull(resourceArn);
        Throttle("ListTagsForResource");
        lock (_lock)
        {
            (StreamState stream, ConsumerDocument? consumer) = ResolveResource(resourceArn);
            return [.. consumer?.Tags ?? stream.Document.Tags];
        }
    }

    /// <summary>DescribeAccountSettings: the minimum throughput billing commitment.</summary>
    public AccountCommitment DescribeAccountSettings()
    {
        Throttle("DescribeAccountSettings");
        lock (_lock)
        {
            SettleCommitment();
            return Describe(_catalog.Commitment);
        }
    }

    /// <summary>
    /// UpdateAccountSettings: ENABLED starts the commitment (24 h minimum); DISABLED ends it at once when the
    /// minimum has passed, else moves it to ENABLED_UNTIL_EARLIEST_ALLOWED_END; enabling again cancels that.
    /// </summary>
    public AccountCommitment UpdateAccountSettings(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        Throttle("UpdateAccountSettings");
        if (status is not ("ENABLED" or "DISABLED"))
        {
            throw KinesisException.ValidationFailed(status, "minimumThroughputBillingCommitment.status", "Member must satisfy enum value set: [ENABLED, DISABLED]");
        }
        lock (_lock)
        {
            SettleCommitment();
            CommitmentDocument c = _catalog.Commitment;
            long now = NowMs();
            if (status == "ENABLED")
            {
                if (c.Status == "DISABLED")
                {
                    c.StartedAtMs = now;
                    c.EarliestAllowedEndAtMs = now + CommitmentMinimumMs;
                    c.EndedAtMs = null;
                }
                c.Status = "ENABLED";
            }
            else if (c.Status != "DISABLED")
            {
                if (now >= c.EarliestAllowedEndAtMs)
                {
                    c.Status = "DISABLED";
                    c.EndedAtMs = now;
                }
                else
                {
                    c.Status = "ENABLED_UNTIL_EARLIEST_ALLOWED_END";
                }
            }
            Persist();
            return Describe(c);
        }
    }

    /// <summary>UpdateStreamWarmThroughput: on-demand streams of an account with the commitment enabled only.</summary>
    public WarmThroughput UpdateStreamWarmThroughput(StreamRef stream, int warmThroughputMiBps)
    {
        Throttle("UpdateStreamWarmThroughput");
        Validation.Range(warmThroughputMiBps, "warmThroughputMiBps", 0, 10_240);
        lock (_lock)
        {
            StreamState state = Resolve(stream);
            RequireActive(state);
            SettleCommitment();
            if (_catalog.Commitment.Status == "DISABLED")
            {
                throw KinesisException.Invalid(
                    $"Warm throughput requires the account's MinimumThroughputBillingCommitment to be ENABLED (account {_options.AccountId}).");
            }
            if (ModeOf(state.Document) != StreamMode.OnDemand)
            {
                throw new KinesisException(KinesisErrorCode.Validation,
                    $"Warm throughput can only be set on ON_DEMAND streams; stream {state.Name} is PROVISIONED.");
            }
            state.Document.WarmThroughputMiBps = warmThroughputMiBps;
            state.Document.UpdatingUntilMs = NowMs() + (long)_options.UpdateStreamDelay.TotalMilliseconds;
            Persist();
            return new WarmThroughput(state.Name, StreamArn(state.Name), warmThroughputMiBps, warmThroughputMiBps);
        }
    }

    private void SettleCommitment()
    {
        CommitmentDocument c = _catalog.Commitment;
        if (c.Status == "ENABLED_UNTIL_EARLIEST_ALLOWED_END" && NowMs() >= c.EarliestAllowedEndAtMs)
        {
            c.Status = "DISABLED";
            c.EndedAtMs = c.EarliestAllowedEndAtMs;
            Persist();
        }
    }

    private static AccountCommitment Describe(CommitmentDocument c) => new(
        c.Status,
        c.StartedAtMs is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null,
        c.EndedAtMs is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
        c.EarliestAllowedEndAtMs is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null);

    /// <summary>The stream, and the consumer when the ARN names one. Holds _lock.</summary>
    private (StreamState Stream, ConsumerDocument? Consumer) ResolveResource(string resourceArn)
    {
        Validation.Length(resourceArn, "resourceARN", 1, 2048);
        if (resourceArn.Contains("/consumer/", StringComparison.Ordinal))
        {
            (StreamState state, ConsumerDocument consumer) = ResolveConsumer(null, null, resourceArn);
            return (state, consumer);
        }
        return (Resolve(new StreamRef(null, resourceArn)), null);
    }
}
