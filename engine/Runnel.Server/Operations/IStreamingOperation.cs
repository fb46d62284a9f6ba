using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>
/// A Kinesis operation whose answer is an event stream (<c>application/vnd.amazon.eventstream</c>):
/// SubscribeToShard. <see cref="StartAsync"/> validates the request and throws <c>KinesisException</c> or
/// <see cref="ProtocolException"/> before anything is written (an ordinary 400 answer); the events it returns
/// are then written one message each, after the <c>initial-response</c> event. An exception thrown while
/// enumerating them ends the stream with an exception message. Implementations are stateless and thread-safe.
/// </summary>
public interface IStreamingOperation
{
    /// <summary>The operation name, as in <c>X-Amz-Target: Kinesis_20131202.&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Validates and starts the operation. The events are enumerated once, with a token that ends when the
    /// client goes away or the server stops; the enumeration owns whatever the operation acquired.
    /// </summary>
    ValueTask<IAsyncEnumerable<StreamingEvent>> StartAsync(RequestBody request, OperationContext context);
}
