using System.Net;

namespace Runnel.Security.Authorization;

/// <summary>
/// IAM's condition semantics. For one key test: the values of the policy are OR-ed (a request value matches when it
/// matches any of them); a negated operator holds when the request value matches none. When the request lacks the
/// key, a positive operator fails, a negated one holds, <c>...IfExists</c> holds, <c>ForAnyValue</c> fails and
/// <c>ForAllValues</c> holds. For a multivalued key, <c>ForAnyValue</c> needs one request value to pass and
/// <c>ForAllValues</c> every one; without a qualifier, a positive operator needs some value to match and a negated
/// one needs no value to match. <c>Null</c> tests presence only. A block's tests are AND-ed.
/// </summary>
public static class ConditionEvaluator
{
    /// <summary>Whether every condition holds for <paramref name="context"/>.</summary>
    public static bool All(IReadOnlyList<PolicyCondition> conditions, ConditionContext context)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        for (int i = 0; i < conditions.Count; i++)
        {
            if (!Holds(conditions[i], context))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether one key test holds.</summary>
    public static bool Holds(PolicyCondition condition, ConditionContext context)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(context);
        bool present = context.TryGet(condition.Key, out IReadOnlyList<string> values);
        if (condition.Operator == ConditionOperator.Null)
        {
            bool absent = !present || values.Count == 0;
            foreach (string value in condition.Values)
            {
                if (ConditionValues.TryParseBool(value, out bool wantAbsent) && wantAbsent == absent)
                {
                    return true;
                }
            }
            return false;
        }
        switch (condition.Qualifier)
        {
            case SetQualifier.ForAnyValue:
                return present && Some(condition, values);
            case SetQualifier.ForAllValues:
                return !present || Every(condition, values);
            default:
                if (!present || values.Count == 0)
                {
                    return condition.IfExists || condition.IsNegated;
                }
                return condition.IsNegated ? Every(condition, values) : Some(condition, values);
        }
    }

    private static bool Some(PolicyCondition condition, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (Passes(condition, values[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Every(PolicyCondition condition, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (!Passes(condition, values[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether one request value passes the test: matches some policy value (positive operators) or none
    /// (negated ones).</summary>
    private static bool Passes(PolicyCondition condition, string requestValue)
    {
        bool any = false;
        if (condition.Operator is ConditionOperator.IpAddress or ConditionOperator.NotIpAddress)
        {
            any = IPAddress.TryParse(requestValue, out IPAddress? address) && condition.InAnyBlock(address);
        }
        else
        {
            IReadOnlyList<string> policyValues = condition.Values;
            for (int i = 0; i < policyValues.Count; i++)
            {
                if (Matches(condition.Operator, policyValues[i], requestValue))
                {
                    any = true;
                    break;
                }
            }
        }
        return condition.IsNegated ? !any : any;
    }

    /// <summary>The positive comparison behind each operator (the negated ones use their positive twin).</summary>
    private static bool Matches(ConditionOperator op, string policy, string request)
    {
        switch (op)
        {
            case ConditionOperator.StringEquals or ConditionOperator.StringNotEquals or ConditionOperator.BinaryEquals:
                return string.Equals(policy, request, StringComparison.Ordinal);
            case ConditionOperator.StringEqualsIgnoreCase or ConditionOperator.StringNotEqualsIgnoreCase:
                return string.Equals(policy, request, StringComparison.OrdinalIgnoreCase);
            case ConditionOperator.StringLike or ConditionOperator.StringNotLike:
                return WildcardPattern.Matches(policy, request, ignoreCase: false);
            case ConditionOperator.Bool:
                return ConditionValues.TryParseBool(policy, out bool p) && ConditionValues.TryParseBool(request, out bool r) && p == r;
            case ConditionOperator.IpAddress or ConditionOperator.NotIpAddress:
                return ConditionValues.TryParseCidr(policy, out IPAddress network, out int prefix)
                    && IPAddress.TryParse(request, out IPAddress? address) && ConditionValues.InBlock(address, network, prefix);
            case ConditionOperator.ArnEquals or ConditionOperator.ArnLike or ConditionOperator.ArnNotEquals or ConditionOperator.ArnNotLike:
                return ArnPattern.IsArn(request) && ArnPattern.Matches(policy, request);
            case ConditionOperator.NumericEquals or ConditionOperator.NumericNotEquals or ConditionOperator.NumericLessThan
                or ConditionOperator.NumericLessThanEquals or ConditionOperator.NumericGreaterThan or ConditionOperator.NumericGreaterThanEquals:
                return ConditionValues.TryParseNumber(policy, out double pn) && ConditionValues.TryParseNumber(request, out double rn)
                    && Compare(op, rn.CompareTo(pn));
            case ConditionOperator.DateEquals or ConditionOperator.DateNotEquals or ConditionOperator.DateLessThan
                or ConditionOperator.DateLessThanEquals or ConditionOperator.DateGreaterThan or ConditionOperator.DateGreaterThanEquals:
                return ConditionValues.TryParseDate(policy, out DateTimeOffset pd) && ConditionValues.TryParseDate(request, out DateTimeOffset rd)
                    && Compare(op, rd.CompareTo(pd));
            default:
                return false;
        }
    }

    /// <summary>The request value compared with the policy value (<paramref name="order"/> = request.CompareTo(policy)).</summary>
    private static bool Compare(ConditionOperator op, int order) => op switch
    {
        ConditionOperator.NumericLessThan or ConditionOperator.DateLessThan => order < 0,
        ConditionOperator.NumericLessThanEquals or ConditionOperator.DateLessThanEquals => order <= 0,
        ConditionOperator.NumericGreaterThan or ConditionOperator.DateGreaterThan => order > 0,
        ConditionOperator.NumericGreaterThanEquals or ConditionOperator.DateGreaterThanEquals => order >= 0,
        _ => order == 0,
    };
}
