using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>StartStreamEncryption: StreamName | StreamARN, EncryptionType* (KMS), KeyId*. No output.</summary>
internal sealed class StartStreamEncryption : IOperation
{
    public string Name => nameof(StartStreamEncryption);

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
        context.Engine.StartStreamEncryption(stream, encryptionType, keyId);
        return ValueTask.FromResult(new JsonObject());
    }
}
