namespace Runnel.Security.Authorization;

/// <summary>One authorization question: may <paramref name="Principal"/> perform <paramref name="Action"/>
/// (<c>kinesis:PutRecord</c>) on <paramref name="Resource"/> (an ARN, or <c>*</c> for account-level actions),
/// owned by <paramref name="ResourceAccount"/>, given the request's condition keys?</summary>
/// <param name="Principal">The caller.</param>
/// <param name="Action">The IAM action.</param>
/// <param name="Resource">The resource ARN.</param>
/// <param name="ResourceAccount">The account that owns the resource (the server's account).</param>
/// <param name="Context">The condition keys.</param>
public sealed record AuthorizationRequest(RequestPrincipal Principal, string Action, string Resource, string ResourceAccount, ConditionContext Context);
