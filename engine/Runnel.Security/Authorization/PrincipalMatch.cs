namespace Runnel.Security.Authorization;

/// <summary>
/// How a resource policy's principal block names the caller. IAM treats the two kinds differently inside one
/// account: naming the account (its id or root ARN) only delegates to the account's identity policies, while
/// naming the caller (or everyone) grants by itself.
/// </summary>
public enum PrincipalMatch
{
    None,
    Account,
    Direct,
}
