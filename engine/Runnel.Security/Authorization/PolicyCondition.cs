namespace Runnel.Security.Authorization;

/// <summary>
/// One key test of a <c>Condition</c> block: <c>"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]}</c>
/// is the operator <see cref="ConditionOperator.StringLike"/> with <see cref="SetQualifier.ForAnyValue"/>,
/// <see cref="IfExists"/> set, the key and two values. The values are kept as text (numbers and booleans in their
/// JSON spelling); the parser has already checked that the operator can read each of them.
/// </summary>
/// <param name="Operator">The operator.</param>
/// <param name="Qualifier">The set qualifier, if any.</param>
/// <param name="IfExists">True for the <c>...IfExists</c> form: an absent key satisfies the condition.</param>
/// <param name="Key">The condition key, as written (keys are compared case-insensitively).</param>
/// <param name="Values">The policy's values: the condition holds when any of them matches (none, for a negated operator).</param>
public sealed record PolicyCondition(ConditionOperator Operator, SetQualifier Qualifier, bool IfExists, string Key, IReadOnlyList<string> Values)
{
    /// <summary>The negated operators: the request value must match none of the values, and an absent key satisfies them.</summary>
    public bool IsNegated => Operator is ConditionOperator.StringNotEquals or ConditionOperator.StringNotEqualsIgnoreCase
        or ConditionOperator.StringNotLike or ConditionOperator.NumericNotEquals or ConditionOperator.DateNotEquals
        or ConditionOperator.NotIpAddress or ConditionOperator.ArnNotEquals or ConditionOperator.ArnNotLike;

    /// <summary>The operator as written in a policy, e.g. <c>ForAllValues:StringNotLikeIfExists</c>.</summary>
    public string OperatorText => (Qualifier == SetQualifier.None ? "" : Qualifier + ":") + Operator + (IfExists ? "IfExists" : "");
}
