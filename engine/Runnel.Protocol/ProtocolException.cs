namespace Runnel.Protocol;

/// <summary>
/// A request the protocol layer rejects before any operation runs: <c>SerializationException</c> (malformed body,
/// wrong types, bad base64), <c>UnknownOperationException</c> (bad X-Amz-Target). Always HTTP 400.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string errorType, string message)
        : base(message) => ErrorType = errorType;

    public ProtocolException(string errorType, string message, Exception inner)
        : base(message, inner) => ErrorType = errorType;

    /// <summary>The wire error type (the <c>__type</c>).</summary>
    public string ErrorType { get; }

    /// <summary>A <c>SerializationException</c> with <paramref name="message"/>.</summary>
    public static ProtocolException Serialization(string message) => new("SerializationException", message);
}
