namespace Runnel.Security.Authorization;

/// <summary>
/// A resource policy's <c>Principal</c> (or <c>NotPrincipal</c>): everyone (<c>"*"</c> or <c>{"AWS": "*"}</c>), or
/// <c>AWS</c> entries (an account id, an account's root ARN, a user or role ARN, an assumed-role session ARN). Other
/// principal types (<c>Service</c>, <c>Federated</c>, <c>CanonicalUser</c>) are kept but never match: Runnel
/// authenticates only IAM-style principals.
/// </summary>
/// <param name="Everyone">True for <c>"*"</c>.</param>
/// <param name="Aws">The <c>AWS</c> entries.</param>
/// <param name="Other">The other entries, as <c>Type:value</c>.</param>
public sealed record PolicyPrincipal(bool Everyone, IReadOnlyList<string> Aws, IReadOnlyList<string> Other)
{
    /// <summary>How <paramref name="principal"/> is named by this block.</summary>
    public PrincipalMatch Match(RequestPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (Everyone)
        {
            return PrincipalMatch.Direct;
        }
        PrincipalMatch best = PrincipalMatch.None;
        foreach (string entry in Aws)
        {
            if (entry == "*" || entry == principal.Arn || entry == principal.PrincipalArn)
            {
                return PrincipalMatch.Direct;
            }
            if (entry == principal.AccountId || entry == RequestPrincipal.RootArn(principal.Partition, principal.AccountId))
            {
                best = PrincipalMatch.Account;
            }
        }
        return best;
    }
}
