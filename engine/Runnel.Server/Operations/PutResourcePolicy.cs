using System.Text.Json.Nodes;
using Runnel.Protocol;
using Runnel.Security.Authorization;
using Runnel.Streams.Errors;

namespace Runnel.Server.Operations;

/// <summary>
/// PutResourcePolicy: ResourceARN* (a stream or a consumer), Policy* (a JSON document). No output. The document must
/// be a valid resource policy (<see cref="PolicyParser"/>: every statement names a Principal, known elements only,
/// actions as service:name, resources as ARNs, known condition operators with readable values); an invalid one is
/// refused with InvalidArgumentException saying what is wrong, and nothing is stored.
/// </summary>
internal sealed class PutResourcePolicy : IOperation
{
    public string Name => nameof(PutResourcePolicy);

    public ValueTask<JsonObject> ExecuteAsync(RequestBody request, OperationContext context)
    {
        string? resourceArn = request.GetString("ResourceARN");
        string? policy = request.GetString("Policy");
        string arn = TagResource.ResourceArn(resourceArn);
        if (policy is null)
        {
            throw Requests.MissingMember("Policy");
        }
        if (!PolicyParser.TryParse(policy, PolicyKind.Resource, out _, out string? error))
        {
            throw new KinesisException(KinesisErrorCode.InvalidArgument, $"Invalid policy document: {error}");
        }
        context.Engine.PutResourcePolicy(arn, policy);
        return ValueTask.FromResult(new JsonObject());
    }
}
