using System.Globalization;
using Runnel.Protocol;
using Runnel.Security.Authorization;
using Runnel.Streams;
using Runnel.Streams.Errors;

namespace Runnel.Server.Security;

/// <summary>
/// Authorization of one decoded Kinesis request (issue 8 item 2). <b>Entry point:</b>
/// <see cref="Authorize(CallerIdentity, string, RequestBody)"/>, called by the request pipeline after the body is
/// decoded and before the operation runs, only when <c>--auth sigv4</c> is on. It works out the (action, resource)
/// pairs the operation needs (<see cref="KinesisAuthorizationTargets"/>), fetches the resource's policy and tags
/// from the engine, builds the condition keys, evaluates the caller's identity policies and the resource policy
/// with IAM's logic (<see cref="PolicyEvaluator"/>), and throws <see cref="KinesisException"/>
/// <c>AccessDeniedException</c> with AWS's message when any pair is denied. Policy texts are parsed once each
/// (<see cref="PolicyCache"/>). Thread-safe: one instance serves every request.
/// </summary>
public sealed class RequestAuthorizer
{
    private readonly StreamEngine _engine;
    private readonly TimeProvider _time;
    private readonly PolicyCache _policies;

    /// <summary>An authorizer over <paramref name="engine"/> (its region and account own every resource).</summary>
    public RequestAuthorizer(StreamEngine engine, TimeProvider? time = null, PolicyCache? policies = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _time = time ?? TimeProvider.System;
        _policies = policies ?? new PolicyCache();
    }

    /// <summary>
    /// Throws <c>AccessDeniedException</c> unless <paramref name="caller"/> may run <paramref name="operation"/> (the
    /// X-Amz-Target operation name) with <paramref name="body"/>. Returns normally when allowed, or when the request
    /// names no resource (the operation then fails with its own validation error).
    /// </summary>
    public void Authorize(CallerIdentity caller, string operation, RequestBody body)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(body);
        var principal = new RequestPrincipal(caller.PrincipalArn);
        List<PolicyDocument>? identity = IdentityPolicies(caller);
        foreach (AuthorizationTarget target in KinesisAuthorizationTargets.For(operation, body, _engine, _time))
        {
            AuthorizationOutcome outcome = identity is null
                ? AuthorizationOutcome.NoIdentityPolicyAllows // an unreadable identity policy fails closed
                : Evaluate(caller, principal, identity, operation, body, target);
            if (outcome != AuthorizationOutcome.Allowed)
            {
                throw Denied(principal.Arn, target, outcome);
            }
        }
    }

    /// <summary>Checks an identity policy document (as the credentials file gives it); throws
    /// <see cref="PolicyParseException"/> naming the problem. For loading credentials at start-up.</summary>
    public void ValidateIdentityPolicy(string policy) => _ = _policies.Get(policy, PolicyKind.Identity);

    /// <summary>AWS's AccessDeniedException for a denied (action, resource).</summary>
    public static KinesisException Denied(string principalArn, AuthorizationTarget target, AuthorizationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(target);
        string reason = outcome switch
        {
            AuthorizationOutcome.ExplicitDenyInIdentityPolicy => "with an explicit deny in an identity-based policy",
            AuthorizationOutcome.ExplicitDenyInResourcePolicy => "with an explicit deny in a resource-based policy",
            AuthorizationOutcome.NoResourcePolicyAllows => $"because no resource-based policy allows the {target.Action} action",
            _ => $"because no identity-based policy allows the {target.Action} action",
        };
        return new KinesisException(KinesisErrorCode.AccessDenied,
            $"User: {principalArn} is not authorized to perform: {target.Action} on resource: {target.Resource} {reason}");
    }

    private AuthorizationOutcome Evaluate(CallerIdentity caller, RequestPrincipal principal, IReadOnlyList<PolicyDocument> identity,
        string operation, RequestBody body, AuthorizationTarget target)
    {
        ResourceAccess? resource = target.ResourceLevel ? _engine.DescribeResourceAccess(target.Resource) : null;
        PolicyDocument? resourcePolicy = null;
        if (resource?.Policy is { } text && text != "{}")
        {
            try
            {
                resourcePolicy = _policies.Get(text, PolicyKind.Resource);
            }
            catch (PolicyParseException)
            {
                // Stored before PutResourcePolicy validated documents: fail closed, except for the calls that
                // replace or remove it, so the owner can repair it.
                if (operation is not ("PutResourcePolicy" or "DeleteResourcePolicy" or "GetResourcePolicy"))
                {
                    return AuthorizationOutcome.ExplicitDenyInResourcePolicy;
                }
            }
        }
        ConditionContext context = Context(caller, principal, body, resource);
        var request = new AuthorizationRequest(principal, target.Action, target.Resource, _engine.Options.AccountId, context);
        // The policy operations are for the owner's account only: a resource policy cannot open them to another.
        PolicyDocument? applicable = operation is "PutResourcePolicy" or "GetResourcePolicy" or "DeleteResourcePolicy"
            && principal.AccountId != _engine.Options.AccountId ? null : resourcePolicy;
        return PolicyEvaluator.Evaluate(identity, applicable, request);
    }

    private List<PolicyDocument>? IdentityPolicies(CallerIdentity caller)
    {
        var documents = new List<PolicyDocument>(caller.IdentityPolicies.Count);
        foreach (string text in caller.IdentityPolicies)
        {
            try
            {
                documents.Add(_policies.Get(text, PolicyKind.Identity));
            }
            catch (PolicyParseException)
            {
                return null;
            }
        }
        return documents;
    }

    /// <summary>The condition keys of the request: the global ones Runnel can know, the principal's, the resource's
    /// tags and the request's tags.</summary>
    private ConditionContext Context(CallerIdentity caller, RequestPrincipal principal, RequestBody body, ResourceAccess? resource)
    {
        var context = new ConditionContext();
        DateTimeOffset now = _time.GetUtcNow();
        context.Set("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        context.Set("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        context.Set("aws:SecureTransport", caller.SecureTransport ? "true" : "false");
        context.Set("aws:RequestedRegion", _engine.Options.Region);
        if (caller.SourceIp is { } ip)
        {
            context.Set("aws:SourceIp", (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString());
        }
        if (caller.UserAgent is { Length: > 0 } agent)
        {
            context.Set("aws:UserAgent", agent);
        }
        principal.AddConditionKeys(context);
        if (resource is not null)
        {
            foreach ((string key, string value) in resource.Tags)
            {
                context.Set("aws:ResourceTag/" + key, value);
            }
        }
        if (body.Has("Tags") && body.GetStringMap("Tags") is { } tags)
        {
            foreach ((string key, string value) in tags)
            {
                context.Set("aws:RequestTag/" + key, value);
            }
            context.Set("aws:TagKeys", [.. tags.Keys]);
        }
        else if (body.Has("TagKeys") && body.GetStringList("TagKeys") is { } keys)
        {
            context.Set("aws:TagKeys", keys);
        }
        return context;
    }
}
