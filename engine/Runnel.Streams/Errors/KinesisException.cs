namespace Runnel.Streams.Errors;

/// <summary>
/// A Kinesis API error: the type AWS would return (<see cref="ErrorType"/>, e.g. <c>ResourceNotFoundException</c>)
/// and AWS's message. The server maps it to HTTP 400 (500 for <see cref="KinesisErrorCode.InternalFailure"/>).
/// </summary>
public sealed class KinesisException : Exception
{
    public KinesisException(KinesisErrorCode code, string message)
        : base(message) => Code = code;

    public KinesisException(KinesisErrorCode code, string message, Exception inner)
        : base(message, inner) => Code = code;

    /// <summary>The error kind.</summary>
    public KinesisErrorCode Code { get; }

    /// <summary>The wire name of the error (the <c>__type</c> of the response).</summary>
    public string ErrorType => Code switch
    {
        KinesisErrorCode.InternalFailure => "InternalFailureException",
        _ => Code + "Exception",
    };

    internal static KinesisException NotFound(string message) => new(KinesisErrorCode.ResourceNotFound, message);

    internal static KinesisException InUse(string message) => new(KinesisErrorCode.ResourceInUse, message);

    internal static KinesisException Invalid(string message) => new(KinesisErrorCode.InvalidArgument, message);

    internal static KinesisException Limit(string message) => new(KinesisErrorCode.LimitExceeded, message);

    /// <summary>
    /// A framework constraint failure, worded as AWS does:
    /// <c>1 validation error detected: Value 'x' at 'streamName' failed to satisfy constraint: ...</c>.
    /// </summary>
    internal static KinesisException ValidationFailed(string? value, string path, string constraint)
    {
        string shown = value is null ? "Value null" : $"Value '{value}'";
        return new KinesisException(KinesisErrorCode.Validation,
            $"1 validation error detected: {shown} at '{path}' failed to satisfy constraint: {constraint}");
    }
}
