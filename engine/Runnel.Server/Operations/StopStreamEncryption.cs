using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>StopStreamEncryption: StreamName | StreamARN, EncryptionType* (KMS), KeyId*. No output.</summary>
internal sealed class StopStreamEncryption : IOperation
{
    public string Name => nameof(StopStreamEncryption);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        StreamRef stream = Requests.Stream(request);
        string? encryptionType = request.GetString("EncryptionType");
        string? keyId = request.GetString("KeyId");
        if (encryptionType is null)
        {
            throw Requests.MissingMember("EncryptionType");
        }
        if (keyId is null)
        {
            throw Requests.MissingMember("KeyId");
        }
        context.Engine.StopStreamEncryption(stream, encryptionType, keyId);
        return ValueTask.FromResult(new JsonObject());
    }
}
