namespace Runnel.Protocol.EventStream;

/// <summary>
/// The media type and the header names and values the AWS SDKs read in an event stream (smithy's
/// <c>getMessageUnmarshaller</c>, botocore's <c>EventStream</c>): <c>:message-type</c> is <c>event</c>,
/// <c>exception</c> or <c>error</c>; events carry <c>:event-type</c>, exceptions <c>:exception-type</c>.
/// </summary>
public static class EventStreamNames
{
    /// <summary>The response content type of an event stream.</summary>
    public const string MediaType = "application/vnd.amazon.eventstream";

    /// <summary>Header: what kind of message this is.</summary>
    public const string MessageType = ":message-type";

    /// <summary>Header: the event's member name in the event-stream union (or <c>initial-response</c>).</summary>
    public const string EventType = ":event-type";

    /// <summary>Header: the modeled exception's name.</summary>
    public const string ExceptionType = ":exception-type";

    /// <summary>Header: the payload's media type.</summary>
    public const string ContentType = ":content-type";

    /// <summary>Header of an unmodeled error: its code.</summary>
    public const string ErrorCode = ":error-code";

    /// <summary>Header of an unmodeled error: its message.</summary>
    public const string ErrorMessage = ":error-message";

    /// <summary><c>:message-type</c> of an event.</summary>
    public const string EventMessage = "event";

    /// <summary><c>:message-type</c> of a modeled exception.</summary>
    public const string ExceptionMessage = "exception";

    /// <summary><c>:message-type</c> of an unmodeled error.</summary>
    public const string ErrorMessageType = "error";

    /// <summary>The <c>:event-type</c> of the first event: the operation's non-stream output members.</summary>
    public const string InitialResponse = "initial-response";
}
