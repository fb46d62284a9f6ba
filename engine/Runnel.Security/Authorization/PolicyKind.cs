namespace Runnel.Security.Authorization;

/// <summary>
/// Where a policy is attached, which decides what it may contain: an identity policy (on a principal, in the
/// credentials file) has no <c>Principal</c>; a resource policy (on a stream or a consumer) must name one.
/// </summary>
public enum PolicyKind
{
    Identity,
    Resource,
}
