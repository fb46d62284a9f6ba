using Runnel.Protocol;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Operations;

/// <summary>Helpers shared by the operation handlers: required members and stream addressing.</summary>
internal static class Requests
{
    /// <summary>A required string member; missing is AWS's "Member must not be null" validation error.</summary>
    public static string RequiredString(RequestBody request, string member)
        => request.GetString(member) ?? throw MissingMember(member);

    /// <summary>A required integer member.</summary>
    public static int RequiredInt32(RequestBody request, string member)
        => request.GetInt32(member) ?? throw MissingMember(member);

    /// <summary>
    /// An optional blob member as memory, null when absent. Not the implicit <c>byte[]</c> conversion, which turns a
    /// missing blob into an empty one (and so a missing required Data into a 0-byte record); so does a bare <c>null</c>
    /// in a conditional, through the same conversion.
    /// </summary>
    public static ReadOnlyMemory<byte>? Blob(RequestBody request, string member)
    {
        byte[]? blob = request.GetBlob(member);
        return blob is null ? default(ReadOnlyMemory<byte>?) : blob.AsMemory();
    }

    /// <summary>The stream a request names by StreamName and/or StreamARN.</summary>
    public static StreamRef Stream(RequestBody request)
        => new(request.GetString("StreamName"), request.GetString("StreamARN"));

    /// <summary>AWS's validation error for a missing required member (the path is lowerCamelCase).</summary>
    public static KinesisException MissingMember(string member)
        => new(KinesisErrorCode.Validation,
            $"1 validation error detected: Value null at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");
}
