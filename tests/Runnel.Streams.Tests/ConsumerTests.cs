using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>Enhanced fan-out consumers: register, describe, list, deregister, status transitions, ARN format.</summary>
public class ConsumerTests
{
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    [Fact]
    public void RegisterStreamConsumer_WithDelay_GoesCreatingActiveDeletingGone()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { ConsumerDelay = TimeSpan.FromSeconds(2) });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        long epochSeconds = fixture.Time.GetUtcNow().ToUnixTimeSeconds();

        ConsumerDescription registered = engine.RegisterStreamConsumer(StreamArn, "app-1");
        Assert.Equal("CREATING", registered.ConsumerStatus);
        Assert.Equal($"{StreamArn}/consumer/app-1:{epochSeconds}", registered.ConsumerArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(epochSeconds), registered.ConsumerCreationTimestamp);
        Assert.Equal(StreamArn, registered.StreamArn);
        Assert.Equal("CREATING", engine.DescribeStreamConsumer(consumerArn: registered.ConsumerArn).ConsumerStatus);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("ACTIVE", engine.DescribeStreamConsumer(StreamArn, "app-1").ConsumerStatus);
        ConsumerDescription listed = Assert.Single(engine.ListStreamConsumers(StreamArn).Consumers);
        Assert.Equal(registered.ConsumerArn, listed.ConsumerArn);
        Assert.Equal(1, engine.DescribeStreamSummary(StreamRef.Named("s")).ConsumerCount);

        engine.DeregisterStreamConsumer(consumerArn: registered.ConsumerArn);
        Assert.Equal("DELETING", engine.DescribeStreamConsumer(StreamArn, "app-1").ConsumerStatus);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(engine.ListStreamConsumers(StreamArn).Consumers);
        KinesisException e = Assert.Throws<KinesisException>(() => engine.DescribeStreamConsumer(consumerArn: registered.ConsumerArn));
        Assert.Equal("ResourceNotFoundException", e.ErrorType);
    }

    [Fact]
    public void RegisterStreamConsumer_SameNameAgainLater_GetsANewArn()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        string first = engine.RegisterStreamConsumer(StreamArn, "app").ConsumerArn;
        engine.DeregisterStreamConsumer(StreamArn, "app");
        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        string second = engine.RegisterStreamConsumer(StreamArn, "app").ConsumerArn;
        Assert.NotEqual(first, second);
        Assert.Equal("ResourceNotFoundException", Assert.Throws<KinesisException>(() => engine.DescribeStreamConsumer(consumerArn: first)).ErrorType);
    }

    [Fact]
    public void ListStreamConsumers_TwentyConsumersPagedByNextToken_ListsEachOnce()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        for (int i = 0; i < 20; i++)
        {
            engine.RegisterStreamConsumer(StreamArn, $"c{i:D2}");
        }
        var names = new List<string>();
        string? token = null;
        do
        {
            (IReadOnlyList<ConsumerDescription> page, token) = engine.ListStreamConsumers(StreamArn, token, maxResults: 6);
            Assert.InRange(page.Count, 1, 6);
            names.AddRange(page.Select(c => c.ConsumerName));
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"c{i:D2}"), names);
    }
}
