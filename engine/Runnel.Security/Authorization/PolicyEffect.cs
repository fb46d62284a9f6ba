namespace Runnel.Security.Authorization;

/// <summary>A statement's <c>Effect</c>.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}
