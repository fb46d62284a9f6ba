using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Protocol.EventStream;
using Runnel.Server.Operations;
using Runnel.Streams.Errors;

namespace Runnel.Server.Http;

/// <summary>
/// Writes an event-stream answer: status 200, <c>Content-Type: application/vnd.amazon.eventstream</c> (chunked on
/// HTTP/1.1, DATA frames on HTTP/2), the <c>initial-response</c> event with an empty structure, then one message
/// per event, flushed at once. Payloads are in the request's encoding (<c>application/json</c> or CBOR). An error
/// after the stream started becomes an exception message (<c>:exception-type</c>, payload <c>{"message"}</c>)
/// and the stream then ends normally; cancellation (client gone, server stopping) ends it without one.
/// </summary>
internal static class EventStreamWriter
{
    private const string JsonPayloadType = "application/json";
    private const string InternalFailure = "InternalFailureException";

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<StreamingEvent> events, WireFormat format,
        ILogger logger, string operation, CancellationToken cancellationToken)
    {
        HttpResponse response = context.Response;
        string payloadType = format == WireFormat.Cbor ? KinesisTarget.CborContentType : JsonPayloadType;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamNames.MediaType;
        EventStreamMessage? failure = null;
        try
        {
            await WriteMessageAsync(response,
                EventStreamMessage.Event(EventStreamNames.InitialResponse, payloadType, EmptyStructure(format)), cancellationToken).ConfigureAwait(false);
            await foreach (StreamingEvent e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                byte[] payload = WireCodec.Encode(e.Payload, format);
                await WriteMessageAsync(response, EventStreamMessage.Event(e.EventType, payloadType, payload), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (KinesisException e)
        {
            failure = Exception(e.ErrorType, e.Message, payloadType, format);
        }
        catch (ProtocolException e)
        {
            failure = Exception(e.ErrorType, e.Message, payloadType, format);
        }
#pragma warning disable CA1031 // Any other failure is the server's: an InternalFailureException message, the details in the log.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            ServerLog.OperationFailed(logger, e, operation);
            failure = Exception(InternalFailure, "An internal error occurred.", payloadType, format);
        }
        if (failure is not null)
        {
            await WriteMessageAsync(response, failure, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An empty structure: <c>{}</c>, or the CBOR empty map (WireCodec writes an empty body for an empty response).</summary>
    private static byte[] EmptyStructure(WireFormat format) => format == WireFormat.Cbor ? [0xA0] : "{}"u8.ToArray();

    private static EventStreamMessage Exception(string type, string message, string payloadType, WireFormat format)
        => EventStreamMessage.Exception(type, payloadType, WireCodec.Encode(new JsonObject { ["message"] = message }, format));

    private static async Task WriteMessageAsync(HttpResponse response, EventStreamMessage message, CancellationToken cancellationToken)
    {
        byte[] frame = EventStreamEncoder.Encode(message);
        await response.Body.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
