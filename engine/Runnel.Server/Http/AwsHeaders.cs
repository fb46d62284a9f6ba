using System.Security.Cryptography;

namespace Runnel.Server.Http;

/// <summary>The header names AWS's JSON protocol uses, and the per-response identifiers (kinesis-api.md 1.4).</summary>
internal static class AwsHeaders
{
    public const string Target = "X-Amz-Target";
    public const string RequestId = "x-amzn-RequestId";
    public const string ExtendedRequestId = "x-amz-id-2";
    public const string ErrorType = "x-amzn-ErrorType";
    public const string ExposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date";

    /// <summary>A new request id: a GUID, as AWS sends.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <summary>A new <c>x-amz-id-2</c>: base64 of 72 random bytes, as AWS sends.</summary>
    public static string NewExtendedRequestId()
    {
        Span<byte> bytes = stackalloc byte[72];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes);
    }
}
