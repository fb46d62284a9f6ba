using System.Net;

namespace Runnel.Security.Authorization;

/// <summary>
/// One key test of a <c>Condition</c> block: <c>"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]}</c>
/// is the operator <see cref="ConditionOperator.StringLike"/> with <see cref="SetQualifier.ForAnyValue"/>,
/// <see cref="IfExists"/> set, the key and two values. The values are kept as text (numbers and booleans in their
/// JSON spelling); the parser has already checked that the operator can read each of them. Immutable.
/// </summary>
public sealed class PolicyCondition
{
    private readonly (IPAddress Network, int Prefix)[] _blocks;

    /// <summary>A key test.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="qualifier">The set qualifier, if any.</param>
    /// <param name="ifExists">True for the <c>...IfExists</c> form: an absent key satisfies the condition.</param>
    /// <param name="key">The condition key, as written (keys are compared case-insensitively).</param>
    /// <param name="values">The policy's values: the condition holds when any of them matches (none, for a negated operator).</param>
    public PolicyCondition(ConditionOperator op, SetQualifier qualifier, bool ifExists, string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        Operator = op;
        Qualifier = qualifier;
        IfExists = ifExists;
        Key = key;
        Values = values;
        _blocks = op is ConditionOperator.IpAddress or ConditionOperator.NotIpAddress
            ? [.. values.Select(v => ConditionValues.TryParseCidr(v, out IPAddress n, out int p) ? (n, p) : (IPAddress.None, -1)).Where(b => b.Item2 >= 0)]
            : [];
    }

    /// <summary>The operator.</summary>
    public ConditionOperator Operator { get; }

    /// <summary>The set qualifier, if any.</summary>
    public SetQualifier Qualifier { get; }

    /// <summary>True for the <c>...IfExists</c> form.</summary>
    public bool IfExists { get; }

    /// <summary>The condition key, as written.</summary>
    public string Key { get; }

    /// <summary>The policy's values.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The negated operators: the request value must match none of the values, and an absent key satisfies them.</summary>
    public bool IsNegated => Operator is ConditionOperator.StringNotEquals or ConditionOperator.StringNotEqualsIgnoreCase
        or ConditionOperator.StringNotLike or ConditionOperator.NumericNotEquals or ConditionOperator.DateNotEquals
        or ConditionOperator.NotIpAddress or ConditionOperator.ArnNotEquals or ConditionOperator.ArnNotLike;

    /// <summary>The operator as written in a policy, e.g. <c>ForAllValues:StringNotLikeIfExists</c>.</summary>
    public string OperatorText => (Qualifier == SetQualifier.None ? "" : Qualifier + ":") + Operator + (IfExists ? "IfExists" : "");

    /// <summary>Whether <paramref name="address"/> lies in one of the CIDR blocks of an IP condition (parsed once).</summary>
    internal bool InAnyBlock(IPAddress address)
    {
        foreach ((IPAddress network, int prefix) in _blocks)
        {
            if (ConditionValues.InBlock(address, network, prefix))
            {
                return true;
            }
        }
        return false;
    }
}
