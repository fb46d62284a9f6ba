using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Runnel.Protocol;
using Runnel.Server.Operations;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Server.Tests.Operations;

/// <summary>Runs operation handlers as the host does (decode, execute, encode) against an engine on memory storage
/// with a fake clock and no status delays.</summary>
internal sealed class OperationFixture : IDisposable
{
    public const string Account = "000000000000";

    public static readonly StreamsOptions NoDelays = new()
    {
        CreateStreamDelay = TimeSpan.Zero,
        DeleteStreamDelay = TimeSpan.Zero,
        UpdateStreamDelay = TimeSpan.Zero,
        ConsumerDelay = TimeSpan.Zero,
        LimitsEnabled = false,
    };

    public OperationFixture(StreamsOptions? options = null)
    {
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Engine = StreamEngine.Open(options ?? NoDelays, new MemoryStreamStorage(), Time);
    }

    public FakeTimeProvider Time { get; }

    public StreamEngine Engine { get; }

    public static string Arn(string stream) => $"arn:aws:kinesis:us-east-1:{Account}:stream/{stream}";

    /// <summary>Runs <paramref name="operation"/> on a JSON request and returns the response structure.</summary>
    public async Task<JsonObject> ExecuteAsync(string operation, string json, WireFormat format = WireFormat.Json)
    {
        Assert.True(OperationRegistry.TryGet(operation, out IOperation handler), $"no handler for {operation}");
        RequestBody request = format == WireFormat.Json
            ? WireCodec.Decode(Encoding.UTF8.GetBytes(json), WireFormat.Json)
            : WireCodec.Decode(WireCodec.Encode(JsonNode.Parse(json)!.AsObject(), WireFormat.Cbor), WireFormat.Cbor);
        return await handler.ExecuteAsync(request, new OperationContext(Engine, CancellationToken.None));
    }

    /// <summary>Runs <paramref name="operation"/> and returns the JSON response body as text.</summary>
    public async Task<string> RunAsync(string operation, string json)
        => Encoding.UTF8.GetString(WireCodec.Encode(await ExecuteAsync(operation, json), WireFormat.Json));

    /// <summary>Runs <paramref name="operation"/> and returns the JSON response body, parsed back.</summary>
    public async Task<JsonObject> RunParsedAsync(string operation, string json)
        => JsonNode.Parse(await RunAsync(operation, json))!.AsObject();

    /// <summary>Runs <paramref name="operation"/>, expecting an error; returns its wire type and message.</summary>
    public async Task<(string Type, string Message)> FailAsync(string operation, string json)
    {
        try
        {
            JsonObject response = await ExecuteAsync(operation, json);
            Assert.Fail($"{operation} succeeded: {response.ToJsonString()}");
            return default;
        }
        catch (KinesisException e)
        {
            return (e.ErrorType, e.Message);
        }
        catch (ProtocolException e)
        {
            return (e.ErrorType, e.Message);
        }
    }

    /// <summary>Creates an ACTIVE provisioned stream through the handler.</summary>
    public Task CreateStreamAsync(string name, int shards = 1)
        => RunAsync("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":{{shards}}}""");

    /// <summary>Registers an ACTIVE consumer and returns its ARN.</summary>
    public async Task<string> RegisterConsumerAsync(string stream, string consumer)
    {
        JsonObject response = await RunParsedAsync("RegisterStreamConsumer", $$"""{"StreamARN":"{{Arn(stream)}}","ConsumerName":"{{consumer}}"}""");
        return (string)response["Consumer"]!["ConsumerARN"]!;
    }

    public void Dispose() => Engine.Dispose();
}
