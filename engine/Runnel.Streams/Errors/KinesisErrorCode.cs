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

    /// <summary>The stream's KMS key is disabled (KMSDisabledException).</summary>
    KMSDisabled,

    /// <summary>The KMS key (or alias) does not exist (KMSNotFoundException).</summary>
    KMSNotFound,

    /// <summary>The KMS key is in a state that does not allow the request (KMSInvalidStateException).</summary>
    KMSInvalidState,
}
