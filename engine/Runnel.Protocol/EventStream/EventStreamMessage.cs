namespace Runnel.Protocol.EventStream;

/// <summary>One <c>application/vnd.amazon.eventstream</c> message: its headers, in order, and its payload.</summary>
public sealed class EventStreamMessage
{
    /// <summary>Creates a message.</summary>
    public EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Headers = headers;
        Payload = payload;
    }

    /// <summary>The headers, in wire order.</summary>
    public IReadOnlyList<EventStreamHeader> Headers { get; }

    /// <summary>The payload bytes (may be empty).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The value of the first header called <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        foreach (EventStreamHeader header in Headers)
        {
            if (string.Equals(header.Name, name, StringComparison.Ordinal))
            {
                return header.Value;
            }
        }
        return null;
    }

    /// <summary>An event message: <c>:message-type=event</c>, <c>:event-type</c>, <c>:content-type</c>.</summary>
    public static EventStreamMessage Event(string eventType, string contentType, ReadOnlyMemory<byte> payload)
        => new(
        [
            new(EventStreamNames.MessageType, EventStreamNames.EventMessage),
            new(EventStreamNames.EventType, eventType),
            new(EventStreamNames.ContentType, contentType),
        ], payload);

    /// <summary>A modeled exception message: <c>:message-type=exception</c>, <c>:exception-type</c>, <c>:content-type</c>.</summary>
    public static EventStreamMessage Exception(string exceptionType, string contentType, ReadOnlyMemory<byte> payload)
        => new(
        [
            new(EventStreamNames.MessageType, EventStreamNames.ExceptionMessage),
            new(EventStreamNames.ExceptionType, exceptionType),
            new(EventStreamNames.ContentType, contentType),
        ], payload);
}
