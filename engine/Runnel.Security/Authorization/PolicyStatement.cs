namespace Runnel.Security.Authorization;

/// <summary>
/// One statement. Exactly one of <c>Action</c>/<c>NotAction</c> and one of <c>Resource</c>/<c>NotResource</c> is
/// present (<see cref="NotAction"/>/<see cref="NotResource"/> say which); a resource policy's statement has a
/// <see cref="Principal"/> (with <see cref="NotPrincipal"/> telling which element it came from), an identity
/// policy's has none.
/// </summary>
public sealed record PolicyStatement
{
    /// <summary>The statement id, if any.</summary>
    public string? Sid { get; init; }

    /// <summary>Allow or Deny.</summary>
    public required PolicyEffect Effect { get; init; }

    /// <summary>The principal block of a resource policy; null in an identity policy.</summary>
    public PolicyPrincipal? Principal { get; init; }

    /// <summary>True when <see cref="Principal"/> came from <c>NotPrincipal</c>.</summary>
    public bool NotPrincipal { get; init; }

    /// <summary>The action patterns (<c>kinesis:Get*</c>, <c>*</c>).</summary>
    public required IReadOnlyList<string> Actions { get; init; }

    /// <summary>True when <see cref="Actions"/> came from <c>NotAction</c>.</summary>
    public bool NotAction { get; init; }

    /// <summary>The resource ARN patterns (<c>*</c> or ARNs with wildcards).</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>True when <see cref="Resources"/> came from <c>NotResource</c>.</summary>
    public bool NotResource { get; init; }

    /// <summary>Every key test of the <c>Condition</c> block; all must hold.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; init; } = [];
}
