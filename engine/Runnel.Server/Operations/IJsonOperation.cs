using System.Text.Json;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>
/// An operation on the data plane's hot path that writes its awsJson1_1 answer itself, member by member, with a
/// <see cref="Utf8JsonWriter"/> (blobs base64-encoded straight from their bytes), instead of building the
/// <c>JsonObject</c> that <see cref="IOperation.ExecuteAsync"/> returns for CBOR and the audit trail. Both answers
/// are byte-for-byte the same JSON. Implementations are stateless and thread-safe.
/// </summary>
internal interface IJsonOperation : IOperation
{
    /// <summary>
    /// Runs the operation on the raw JSON body when it can read it without the generic decoder, and writes the
    /// answer; completes with false, having done nothing, when the body must go through <see cref="WireCodec.Decode"/>
    /// and <see cref="ExecuteJsonAsync"/> (which then gives today's errors). <paramref name="body"/> stays valid until
    /// the returned task completes. Operations whose requests are small decode them generically.
    /// </summary>
    ValueTask<bool> TryExecuteJsonAsync(ReadOnlyMemory<byte> body, OperationContext context, Utf8JsonWriter writer)
        => ValueTask.FromResult(false);

    /// <summary>Runs the operation on a generically decoded request and writes the answer.</summary>
    ValueTask ExecuteJsonAsync(RequestBody request, OperationContext context, Utf8JsonWriter writer);
}
