namespace Runnel.Security.Authorization;

/// <summary>The result of <see cref="PolicyEvaluator.Evaluate"/>, with the reason for a denial (AWS's messages name it).</summary>
public enum AuthorizationOutcome
{
    /// <summary>Allowed.</summary>
    Allowed,

    /// <summary>A Deny statement of an identity policy applies.</summary>
    ExplicitDenyInIdentityPolicy,

    /// <summary>A Deny statement of the resource policy applies.</summary>
    ExplicitDenyInResourcePolicy,

    /// <summary>No Allow applies (the implicit deny); for another account's caller, its identity policies allow nothing.</summary>
    NoIdentityPolicyAllows,

    /// <summary>Another account's caller is allowed by its identity policies, but the resource policy does not allow it.</summary>
    NoResourcePolicyAllows,
}
