namespace Runnel.Server.Security;

/// <summary>One (action, resource) pair a request must be allowed: <c>kinesis:CreateStream</c> on the new stream's
/// ARN, and <c>kinesis:AddTagsToStream</c> on it too when the request carries tags.</summary>
/// <param name="Action">The IAM action, <c>kinesis:&lt;Operation&gt;</c>.</param>
/// <param name="Resource">The resource ARN AWS authorizes.</param>
/// <param name="ResourceLevel">False for account-level actions (ListStreams...): no resource policy applies.</param>
public sealed record AuthorizationTarget(string Action, string Resource, bool ResourceLevel = true);
