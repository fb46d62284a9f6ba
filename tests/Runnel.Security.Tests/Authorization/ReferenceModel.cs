using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Runnel.Security.Tests.Authorization;

/// <summary>A condition of the reference model: the operator as a policy writes it, the key, the values.</summary>
internal sealed record RefCondition(string Operator, string Key, string[] Values);

/// <summary>A statement of the reference model. <see cref="Principals"/> is null in identity policies; in resource
/// policies <see cref="EveryoneString"/> writes <c>"Principal": "*"</c>, else an <c>AWS</c> list.</summary>
internal sealed record RefStatement(bool Deny, bool EveryoneString, string[]? Principals, bool NotPrincipal,
    string[] Actions, bool NotAction, string[] Resources, bool NotResource, RefCondition[] Conditions, bool ArraysAsSingle);

/// <summary>One generated question: identity policies, an optional resource policy, the request.</summary>
internal sealed record RefCase(RefStatement[][] Identity, RefStatement[]? Resource, string Principal, string Action, string ResourceArn,
    KeyValuePair<string, string[]>[] Context)
{
    public const string Account = "111111111111";

    public override string ToString()
        => $"principal={Principal} action={Action} resource={ResourceArn} context=[{string.Join("; ", Context.Select(c => $"{c.Key}=[{string.Join(",", c.Value)}]"))}]\n"
            + $"identity=[{string.Join(", ", Identity.Select(p => ReferenceModel.Json(p, resource: false)))}]\nresource={(Resource is null ? "none" : ReferenceModel.Json(Resource, resource: true))}";
}

/// <summary>
/// A deliberately plain model of IAM evaluation, written apart from the engine's code: globs become regular
/// expressions, ARNs one regular expression whose first five parts cannot cross a colon, conditions a direct reading
/// of IAM's documented rules. It returns the same outcome names as <c>AuthorizationOutcome</c>, as strings.
/// </summary>
internal static class ReferenceModel
{
    public static string Json(RefStatement[] statements, bool resource)
    {
        var list = new JsonArray();
        foreach (RefStatement s in statements)
        {
            var o = new JsonObject { ["Effect"] = s.Deny ? "Deny" : "Allow" };
            if (resource)
            {
                JsonNode principal = s.EveryoneString ? JsonValue.Create("*") : new JsonObject { ["AWS"] = Values(s.Principals!, s.ArraysAsSingle) };
                o[s.NotPrincipal ? "NotPrincipal" : "Principal"] = principal;
            }
            o[s.NotAction ? "NotAction" : "Action"] = Values(s.Actions, s.ArraysAsSingle);
            o[s.NotResource ? "NotResource" : "Resource"] = Values(s.Resources, s.ArraysAsSingle);
            if (s.Conditions.Length > 0)
            {
                var condition = new JsonObject();
                foreach (RefCondition c in s.Conditions)
                {
                    if (condition[c.Operator] is not JsonObject block)
                    {
                        block = [];
                        condition[c.Operator] = block;
                    }
                    block[c.Key] = Values(c.Values, s.ArraysAsSingle);
                }
                o["Condition"] = condition;
            }
            list.Add(o);
        }
        JsonNode body = statements.Length == 1 && statements[0].ArraysAsSingle ? list[0]!.DeepClone() : list;
        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = body }.ToJsonString();
    }

    private static JsonNode Values(string[] values, bool single)
        => single && values.Length == 1 ? JsonValue.Create(values[0]) : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    public static string Evaluate(RefCase c)
    {
        bool identityAllow = false;
        foreach (RefStatement[] policy in c.Identity)
        {
            foreach (RefStatement s in policy)
            {
                if (Applies(s, c) != "none")
                {
                    if (s.Deny)
                    {
                        return "ExplicitDenyInIdentityPolicy";
                    }
                    identityAllow = true;
                }
            }
        }
        string resourceAllow = "none";
        foreach (RefStatement s in c.Resource ?? [])
        {
            string how = Applies(s, c);
            if (how != "none")
            {
                if (s.Deny)
                {
                    return "ExplicitDenyInResourcePolicy";
                }
                if (resourceAllow != "direct")
                {
                    resourceAllow = how;
                }
            }
        }
        string account = c.Principal.Split(':')[4];
        if (account == RefCase.Account)
        {
            bool root = c.Principal == $"arn:aws:iam::{RefCase.Account}:root";
            return root || identityAllow || resourceAllow == "direct" ? "Allowed" : "NoIdentityPolicyAllows";
        }
        return !identityAllow ? "NoIdentityPolicyAllows" : resourceAllow == "none" ? "NoResourcePolicyAllows" : "Allowed";
    }

    /// <summary>"none" when the statement does not apply, else how it names the caller ("account" or "direct").</summary>
    private static string Applies(RefStatement s, RefCase c)
    {
        string how = "direct";
        if (s.Principals is not null || s.EveryoneString)
        {
            string named = s.EveryoneString ? "direct" : PrincipalMatch(s.Principals!, c.Principal);
            how = s.NotPrincipal ? (named == "none" ? "direct" : "none") : named;
            if (how == "none")
            {
                return "none";
            }
        }
        bool action = s.Actions.Any(a => Glob(a, ignoreCase: true).IsMatch(c.Action));
        bool resource = s.Resources.Any(r => r == "*" || ArnRegex(r).IsMatch(c.ResourceArn));
        if (action == s.NotAction || resource == s.NotResource)
        {
            return "none";
        }
        return s.Conditions.All(x => Holds(x, c.Context)) ? how : "none";
    }

    private static string PrincipalMatch(string[] entries, string principal)
    {
        string account = principal.Split(':')[4];
        Match session = Regex.Match(principal, @"^arn:aws:sts::(\d{12}):assumed-role/([^/]+)/.+$");
        string? role = session.Success ? $"arn:aws:iam::{session.Groups[1].Value}:role/{session.Groups[2].Value}" : null;
        if (entries.Any(e => e == "*" || e == principal || e == role))
        {
            return "direct";
        }
        return entries.Any(e => e == account || e == $"arn:aws:iam::{account}:root") ? "account" : "none";
    }

    private static bool Holds(RefCondition condition, KeyValuePair<string, string[]>[] context)
    {
        string op = condition.Operator;
        string? qualifier = null;
        if (op.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            (qualifier, op) = ("any", op[12..]);
        }
        else if (op.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            (qualifier, op) = ("all", op[13..]);
        }
        bool ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        op = ifExists ? op[..^8] : op;
        string[]? values = context.Where(k => string.Equals(k.Key, condition.Key, StringComparison.OrdinalIgnoreCase)).Select(k => k.Value).FirstOrDefault();
        if (op == "Null")
        {
            bool absent = values is null || values.Length == 0;
            return condition.Values.Any(v => (v == "true") == absent);
        }
        bool negated = op.Contains("Not", StringComparison.Ordinal);
        bool One(string request) => condition.Values.Any(p => Base(op, p, request));
        if (qualifier == "any")
        {
            return values is not null && values.Any(v => negated ? !One(v) : One(v));
        }
        if (qualifier == "all")
        {
            return values is null || values.All(v => negated ? !One(v) : One(v));
        }
        if (values is null || values.Length == 0)
        {
            return ifExists || negated;
        }
        return negated ? !values.Any(One) : values.Any(One);
    }

    private static bool Base(string op, string policy, string request) => op switch
    {
        "StringEquals" or "StringNotEquals" => policy == request,
        "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => string.Equals(policy, request, StringComparison.OrdinalIgnoreCase),
        "StringLike" or "StringNotLike" => Glob(policy, ignoreCase: false).IsMatch(request),
        "Bool" => string.Equals(policy, request, StringComparison.OrdinalIgnoreCase),
        "IpAddress" or "NotIpAddress" => InCidr(policy, request),
        "NumericLessThan" => long.Parse(request, CultureInfo.InvariantCulture) < long.Parse(policy, CultureInfo.InvariantCulture),
        "NumericGreaterThanEquals" => long.Parse(request, CultureInfo.InvariantCulture) >= long.Parse(policy, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException(op),
    };

    /// <summary>IPv4 only (the generator's alphabet): both as 32-bit numbers, compared under the mask.</summary>
    private static bool InCidr(string cidr, string address)
    {
        string[] parts = cidr.Split('/');
        int bits = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 32;
        uint mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
        return (V4(parts[0]) & mask) == (V4(address) & mask);
    }

    private static uint V4(string text)
        => text.Split('.').Aggregate(0u, (acc, octet) => (acc << 8) | uint.Parse(octet, CultureInfo.InvariantCulture));

    private static readonly ConcurrentDictionary<(string, bool), Regex> s_globs = new();
    private static readonly ConcurrentDictionary<string, Regex> s_arns = new();

    private static Regex Glob(string pattern, bool ignoreCase) => s_globs.GetOrAdd((pattern, ignoreCase), static k => MakeGlob(k.Item1, k.Item2));

    private static Regex MakeGlob(string pattern, bool ignoreCase)
        => new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));

    /// <summary>An ARN pattern as one expression: in the first five parts a wildcard stops at ':'; in the resource
    /// part it runs to the end. A pattern with fewer parts needs exactly that many colons in the ARN, so it fails.</summary>
    private static Regex ArnRegex(string pattern) => s_arns.GetOrAdd(pattern, MakeArnRegex);

    private static Regex MakeArnRegex(string pattern)
    {
        string[] parts = pattern.Split(':', 6);
        var expression = new List<string>();
        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == 5;
            expression.Add(Regex.Escape(parts[i]).Replace(@"\*", last ? ".*" : "[^:]*", StringComparison.Ordinal)
                .Replace(@"\?", last ? "." : "[^:]", StringComparison.Ordinal));
        }
        return new Regex("^" + string.Join(":", expression) + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
