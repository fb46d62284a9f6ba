namespace Runnel.Security.Authentication;

/// <summary>
/// Why a request was refused: the AWS error type (the <c>__type</c> of the error envelope), AWS's message and the
/// HTTP status AWS answers with (400 for all four authentication errors of a JSON-protocol service such as Kinesis).
/// </summary>
/// <param name="ErrorType">For example <c>InvalidSignatureException</c>.</param>
/// <param name="Message">The message, in AWS's wording.</param>
/// <param name="StatusCode">The HTTP status.</param>
public sealed record AuthenticationError(string ErrorType, string Message, int StatusCode = 400)
{
    /// <summary>No <c>Authorization</c> header and no presigned query.</summary>
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";

    /// <summary>The signature is malformed or lacks a part.</summary>
    public const string IncompleteSignature = "IncompleteSignatureException";

    /// <summary>The access key (or the session token) is not known.</summary>
    public const string UnrecognizedClient = "UnrecognizedClientException";

    /// <summary>The signature does not match, is expired, or its scope is wrong.</summary>
    public const string InvalidSignature = "InvalidSignatureException";

    internal static AuthenticationError Missing() => new(MissingAuthenticationToken, "Missing Authentication Token");

    internal static AuthenticationError Incomplete(string message) => new(IncompleteSignature, message);

    internal static AuthenticationError Invalid(string message) => new(InvalidSignature, message);

    internal static AuthenticationError Unrecognized() => new(UnrecognizedClient, "The security token included in the request is invalid.");
}
