namespace Runnel.Security.Authorization;

/// <summary>
/// IAM's evaluation logic for identity policies and one resource policy (reliability-security.md 3.2; IAM user
/// guide, "Policy evaluation logic"):
/// <list type="number">
/// <item>an applicable Deny in any policy wins (identity policies are checked first, so the message names them);</item>
/// <item>the resource account's root user is allowed;</item>
/// <item>inside the resource's account, an Allow in an identity policy or in the resource policy suffices; a resource
/// policy that names only the account (its id or root ARN) delegates to the identity policies and grants nothing by
/// itself;</item>
/// <item>a caller from another account needs both: an Allow in its identity policies and an Allow in the resource
/// policy naming it (or its account, or everyone);</item>
/// <item>otherwise the implicit deny.</item>
/// </list>
/// A statement applies when its principal block names the caller (resource policies), its action patterns match
/// (case-insensitively; <c>NotAction</c> inverts), its resource patterns match (case-sensitively, per ARN part;
/// <c>NotResource</c> inverts) and every condition holds. Thread-safe (stateless).
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Evaluates <paramref name="request"/> against the caller's identity policies and the resource policy
    /// (null when the resource has none).</summary>
    public static AuthorizationOutcome Evaluate(IReadOnlyList<PolicyDocument> identityPolicies, PolicyDocument? resourcePolicy, AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(identityPolicies);
        ArgumentNullException.ThrowIfNull(request);
        bool identityAllows = false;
        for (int p = 0; p < identityPolicies.Count; p++)
        {
            IReadOnlyList<PolicyStatement> statements = identityPolicies[p].Statements;
            for (int s = 0; s < statements.Count; s++)
            {
                PolicyStatement statement = statements[s];
                if (Applies(statement, request) != PrincipalMatch.None)
                {
                    if (statement.Effect == PolicyEffect.Deny)
                    {
                        return AuthorizationOutcome.ExplicitDenyInIdentityPolicy;
                    }
                    identityAllows = true;
                }
            }
        }
        PrincipalMatch resourceAllows = PrincipalMatch.None;
        if (resourcePolicy is not null)
        {
            IReadOnlyList<PolicyStatement> statements = resourcePolicy.Statements;
            for (int s = 0; s < statements.Count; s++)
            {
                PolicyStatement statement = statements[s];
                PrincipalMatch match = Applies(statement, request);
                if (match != PrincipalMatch.None)
                {
                    if (statement.Effect == PolicyEffect.Deny)
                    {
                        return AuthorizationOutcome.ExplicitDenyInResourcePolicy;
                    }
                    resourceAllows = match > resourceAllows ? match : resourceAllows;
                }
            }
        }
        RequestPrincipal principal = request.Principal;
        bool sameAccount = principal.AccountId == request.ResourceAccount;
        if (sameAccount)
        {
            return principal.IsRoot || identityAllows || resourceAllows == PrincipalMatch.Direct
                ? AuthorizationOutcome.Allowed
                : AuthorizationOutcome.NoIdentityPolicyAllows;
        }
        if (!identityAllows)
        {
            return AuthorizationOutcome.NoIdentityPolicyAllows;
        }
        return resourceAllows != PrincipalMatch.None ? AuthorizationOutcome.Allowed : AuthorizationOutcome.NoResourcePolicyAllows;
    }

    /// <summary>Whether <paramref name="statement"/> applies to the request, and how it names the caller
    /// (<see cref="PrincipalMatch.Direct"/> for identity policies, which name no principal).</summary>
    public static PrincipalMatch Applies(PolicyStatement statement, AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(request);
        PrincipalMatch principal = PrincipalMatch.Direct;
        if (statement.Principal is { } block)
        {
            PrincipalMatch named = block.Match(request.Principal);
            principal = statement.NotPrincipal
                ? (named == PrincipalMatch.None ? PrincipalMatch.Direct : PrincipalMatch.None)
                : named;
            if (principal == PrincipalMatch.None)
            {
                return PrincipalMatch.None;
            }
        }
        if (AnyMatches(statement.Actions, request.Action, isAction: true) == statement.NotAction)
        {
            return PrincipalMatch.None;
        }
        if (AnyMatches(statement.Resources, request.Resource, isAction: false) == statement.NotResource)
        {
            return PrincipalMatch.None;
        }
        return ConditionEvaluator.All(statement.Conditions, request.Context) ? principal : PrincipalMatch.None;
    }

    private static bool AnyMatches(IReadOnlyList<string> patterns, string value, bool isAction)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            string pattern = patterns[i];
            if (isAction ? WildcardPattern.Matches(pattern, value, ignoreCase: true) : ArnPattern.Matches(pattern, value))
            {
                return true;
            }
        }
        return false;
    }
}
