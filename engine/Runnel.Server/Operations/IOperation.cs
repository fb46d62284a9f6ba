using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Operations;

/// <summary>
/// One Kinesis API operation (one file per operation in this folder). It reads the decoded request, calls the
/// streams engine, and returns the response structure (blobs as <c>byte[]</c>, timestamps as
/// <see cref="DateTimeOffset"/>; null members are omitted on the wire). Errors are thrown as
/// <c>KinesisException</c> (engine and validation) or <see cref="ProtocolException"/>. Implementations are
/// stateless and thread-safe.
/// </summary>
public interface IOperation
{
    /// <summary>The operation name, as in <c>X-Amz-Target: Kinesis_20131202.&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>Runs the operation.</summary>
    ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context);
}
