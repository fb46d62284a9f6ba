namespace Runnel.Streams.Errors;

/// <summary>The Kinesis error types the engine raises (kinesis-api.md 1.5); the wire name is the member name plus
/// "Exception" except where <see cref="KinesisException.ErrorType"/> says otherwise.</summary>
public enum KinesisErrorCode
{
    ResourceNotFound,
    ResourceInUse,
    InvalidArgument,
    Validation,
    LimitExceeded,
    ProvisionedThroughputExceeded,
    ExpiredIterator,
    ExpiredNextToken,
    AccessDenied,
    InternalFailure,
}
