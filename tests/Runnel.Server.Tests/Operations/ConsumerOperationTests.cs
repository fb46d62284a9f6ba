using System.Text.Json.Nodes;

namespace Runnel.Server.Tests.Operations;

public sealed class ConsumerOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Keys(JsonNode? node) => string.Join(",", node!.AsObject().Select(p => p.Key));

    [Fact]
    public async Task RegisterStreamConsumer_NewName_ReturnsTheConsumerShape()
    {
        await _f.CreateStreamAsync("s");
        string arn = OperationFixture.Arn("s");
        Assert.Equal(
            $$$"""{"Consumer":{"ConsumerName":"c1","ConsumerARN":"{{{arn}}}/consumer/c1:1700000000","ConsumerStatus":"ACTIVE","ConsumerCreationTimestamp":1700000000}}""",
            await _f.RunAsync("RegisterStreamConsumer", $$$"""{"StreamARN":"{{{arn}}}","ConsumerName":"c1","Tags":{"a":"b"}}"""));
    }

    [Fact]
    public async Task RegisterStreamConsumer_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("s");
        string arn = OperationFixture.Arn("s");
        Assert.Equal("1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("RegisterStreamConsumer", """{"ConsumerName":"c"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'consumerName' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("RegisterStreamConsumer", $$"""{"StreamARN":"{{arn}}"}""")).Message);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("RegisterStreamConsumer", $$"""{"StreamARN":"{{arn}}","ConsumerName":"c","Tags":["a"]}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("RegisterStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("x")}}","ConsumerName":"c"}""")).Type);
        await _f.RegisterConsumerAsync("s", "c");
        Assert.Equal("ResourceInUseException",
            (await _f.FailAsync("RegisterStreamConsumer", $$"""{"StreamARN":"{{arn}}","ConsumerName":"c"}""")).Type);
    }

    [Fact]
    public async Task DescribeStreamConsumer_ByArnOrByStreamAndName_ReturnsTheDescription()
    {
        await _f.CreateStreamAsync("s");
        string consumerArn = await _f.RegisterConsumerAsync("s", "c");
        string expected =
            $$$"""{"ConsumerDescription":{"ConsumerName":"c","ConsumerARN":"{{{consumerArn}}}","ConsumerStatus":"ACTIVE","ConsumerCreationTimestamp":1700000000,"StreamARN":"{{{OperationFixture.Arn("s")}}}"}}""";
        Assert.Equal(expected, await _f.RunAsync("DescribeStreamConsumer", $$"""{"ConsumerARN":"{{consumerArn}}"}"""));
        Assert.Equal(expected, await _f.RunAsync("DescribeStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerName":"c"}"""));
    }

    [Fact]
    public async Task DescribeStreamConsumer_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("s");
        Assert.Equal("InvalidArgumentException", (await _f.FailAsync("DescribeStreamConsumer", "{}")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("DescribeStreamConsumer", """{"ConsumerARN":1}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("DescribeStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerName":"none"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("DescribeStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("x")}}","ConsumerName":"c"}""")).Type);
    }

    [Fact]
    public async Task ListStreamConsumers_MaxResults_PagesWithNextToken()
    {
        await _f.CreateStreamAsync("s");
        await _f.RegisterConsumerAsync("s", "a");
        await _f.RegisterConsumerAsync("s", "b");
        string arn = OperationFixture.Arn("s");

        JsonObject first = await _f.RunParsedAsync("ListStreamConsumers", $$"""{"StreamARN":"{{arn}}","MaxResults":1}""");
        Assert.Equal("Consumers,NextToken", Keys(first));
        Assert.Equal("ConsumerName,ConsumerARN,ConsumerStatus,ConsumerCreationTimestamp", Keys(first["Consumers"]![0]));
        JsonObject second = await _f.RunParsedAsync("ListStreamConsumers",
            $$"""{"StreamARN":"{{arn}}","NextToken":"{{(string)first["NextToken"]!}}","StreamCreationTimestamp":1700000000}""");
        Assert.Equal("Consumers", Keys(second));
        Assert.Equal("b", (string)second["Consumers"]![0]!["ConsumerName"]!);
    }

    [Fact]
    public async Task ListStreamConsumers_BadInput_IsRejected()
    {
        Assert.Equal("1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("ListStreamConsumers", "{}")).Message);
        Assert.Equal("SerializationException",
            (await _f.FailAsync("ListStreamConsumers", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","MaxResults":"1"}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("ListStreamConsumers", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}"}""")).Type);
    }

    [Fact]
    public async Task DeregisterStreamConsumer_ByArn_RemovesTheConsumer()
    {
        await _f.CreateStreamAsync("s");
        string consumerArn = await _f.RegisterConsumerAsync("s", "c");
        Assert.Equal("", await _f.RunAsync("DeregisterStreamConsumer", $$"""{"ConsumerARN":"{{consumerArn}}"}"""));
        Assert.Equal("""{"Consumers":[]}""", await _f.RunAsync("ListStreamConsumers", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}"}"""));
    }

    [Fact]
    public async Task DeregisterStreamConsumer_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("s");
        Assert.Equal("InvalidArgumentException", (await _f.FailAsync("DeregisterStreamConsumer", "{}")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("DeregisterStreamConsumer", """{"ConsumerName":true}""")).Type);
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("DeregisterStreamConsumer", $$"""{"StreamARN":"{{OperationFixture.Arn("s")}}","ConsumerName":"none"}""")).Type);
    }
}
