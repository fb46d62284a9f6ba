using System.Text.Json;
using System.Text.RegularExpressions;

namespace Runnel.Security.Authorization;

/// <summary>
/// Reads an IAM policy document (JSON) into a <see cref="PolicyDocument"/>, or throws
/// <see cref="PolicyParseException"/> naming the first problem and where it is (<c>Statement[2].Action</c>).
/// An empty statement array is accepted (the policy then allows and denies nothing).
/// Accepted: <c>Version</c> (<c>2012-10-17</c> or <c>2008-10-17</c>), <c>Id</c>, <c>Statement</c> as one object or an
/// array; per statement <c>Sid</c>, <c>Effect</c>, <c>Principal</c>/<c>NotPrincipal</c> (resource policies only, and
/// required there), <c>Action</c>/<c>NotAction</c>, <c>Resource</c>/<c>NotResource</c>, <c>Condition</c>. Element
/// names are case-sensitive, as IAM's are; any other element is an error rather than being silently ignored.
/// Thread-safe (stateless).
/// </summary>
public static partial class PolicyParser
{
    private static readonly JsonDocumentOptions s_json = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

    private static readonly Dictionary<string, ConditionOperator> s_operators =
        Enum.GetValues<ConditionOperator>().ToDictionary(o => o.ToString(), StringComparer.Ordinal);

    /// <summary>Parses <paramref name="json"/> as a policy of <paramref name="kind"/>.</summary>
    public static PolicyDocument Parse(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_json);
        }
        catch (JsonException e)
        {
            throw new PolicyParseException($"The policy is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail("The policy must be a JSON object.");
            }
            string? version = null, id = null;
            List<PolicyStatement>? statements = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        version = Text(property.Value, "Version");
                        if (version is not ("2012-10-17" or "2008-10-17"))
                        {
                            throw Fail($"Version '{version}' is not supported: use \"2012-10-17\".");
                        }
                        break;
                    case "Id":
                        id = Text(property.Value, "Id");
                        break;
                    case "Statement":
                        statements = Statements(property.Value, kind);
                        break;
                    default:
                        throw Fail($"Unknown element '{property.Name}' in the policy: a policy has Version, Id and Statement.");
                }
            }
            if (statements is null)
            {
                throw Fail("The policy has no Statement.");
            }
            return new PolicyDocument(kind, version, id, statements);
        }
    }

    /// <summary>Like <see cref="Parse"/>, with the problem as a message instead of an exception.</summary>
    public static bool TryParse(string json, PolicyKind kind, out PolicyDocument? document, out string? error)
    {
        try
        {
            document = Parse(json, kind);
            error = null;
            return true;
        }
        catch (PolicyParseException e)
        {
            document = null;
            error = e.Message;
            return false;
        }
    }

    private static List<PolicyStatement> Statements(JsonElement element, PolicyKind kind)
    {
        var statements = new List<PolicyStatement>();
        if (element.ValueKind == JsonValueKind.Object)
        {
            statements.Add(Statement(element, kind, "Statement"));
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                string where = $"Statement[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw Fail($"{where} must be an object.");
                }
                statements.Add(Statement(item, kind, where));
            }
        }
        else
        {
            throw Fail("Statement must be an object or an array of objects.");
        }
        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (PolicyStatement statement in statements)
        {
            if (statement.Sid is { Length: > 0 } sid && !sids.Add(sid))
            {
                throw Fail($"Statement ids (Sid) must be unique: '{sid}' is used twice.");
            }
        }
        return statements;
    }

    private static PolicyStatement Statement(JsonElement element, PolicyKind kind, string where)
    {
        string? sid = null;
        PolicyEffect? effect = null;
        PolicyPrincipal? principal = null;
        bool notPrincipal = false, hasPrincipal = false;
        List<string>? actions = null, resources = null;
        bool notAction = false, notResource = false;
        List<PolicyCondition> conditions = [];
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string at = $"{where}.{property.Name}";
            switch (property.Name)
            {
                case "Sid":
                    sid = Text(property.Value, at);
                    if (!SidRegex().IsMatch(sid))
                    {
                        throw Fail($"{at} '{sid}' may contain only letters and digits.");
                    }
                    break;
                case "Effect":
                    effect = Text(property.Value, at) switch
                    {
                        "Allow" => PolicyEffect.Allow,
                        "Deny" => PolicyEffect.Deny,
                        string other => throw Fail($"{at} must be \"Allow\" or \"Deny\", not '{other}'."),
                    };
                    break;
                case "Principal" or "NotPrincipal":
                    if (kind == PolicyKind.Identity)
                    {
                        throw Fail($"{at}: an identity policy must not name a principal (it applies to the principal it is attached to).");
                    }
                    if (hasPrincipal)
                    {
                        throw Fail($"{where} has both Principal and NotPrincipal.");
                    }
                    hasPrincipal = true;
                    notPrincipal = property.Name == "NotPrincipal";
                    principal = Principal(property.Value, at);
                    break;
                case "Action" or "NotAction":
                    if (actions is not null)
                    {
                        throw Fail($"{where} has both Action and NotAction.");
                    }
                    notAction = property.Name == "NotAction";
                    actions = Strings(property.Value, at);
                    foreach (string action in actions)
                    {
                        if (action != "*" && !ActionRegex().IsMatch(action))
                        {
                            throw Fail($"{at} '{action}' is not an action: write service:Action, as kinesis:PutRecord or kinesis:Get*.");
                        }
                    }
                    break;
                case "Resource" or "NotResource":
                    if (resources is not null)
                    {
                        throw Fail($"{where} has both Resource and NotResource.");
                    }
                    notResource = property.Name == "NotResource";
                    resources = Strings(property.Value, at);
                    foreach (string resource in resources)
                    {
                        if (resource != "*" && !ArnPattern.IsArn(resource))
                        {
                            throw Fail($"{at} '{resource}' is not an ARN: write \"*\" or arn:partition:service:region:account:resource.");
                        }
                    }
                    break;
                case "Condition":
                    conditions = Conditions(property.Value, at);
                    break;
                default:
                    throw Fail($"Unknown element '{property.Name}' in {where}: a statement has Sid, Effect, Principal or NotPrincipal, Action or NotAction, Resource or NotResource, and Condition.");
            }
        }
        if (effect is null)
        {
            throw Fail($"{where} has no Effect.");
        }
        if (actions is null)
        {
            throw Fail($"{where} needs Action or NotAction.");
        }
        if (resources is null)
        {
            throw Fail($"{where} needs Resource or NotResource.");
        }
        if (kind == PolicyKind.Resource && !hasPrincipal)
        {
            throw Fail($"{where} needs Principal or NotPrincipal: a resource policy names whom it applies to.");
        }
        return new PolicyStatement
        {
            Sid = sid,
            Effect = effect.Value,
            Principal = principal,
            NotPrincipal = notPrincipal,
            Actions = actions,
            NotAction = notAction,
            Resources = resources,
            NotResource = notResource,
            Conditions = conditions,
        };
    }

    private static PolicyPrincipal Principal(JsonElement element, string at)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*"
                ? new PolicyPrincipal(true, [], [])
                : throw Fail($"Invalid principal in policy: {at} must be \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}.");
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid principal in policy: {at} must be \"*\" or an object.");
        }
        var aws = new List<string>();
        var other = new List<string>();
        bool any = false;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            List<string> values = Strings(property.Value, $"{at}.{property.Name}");
            any = true;
            switch (property.Name)
            {
                case "AWS":
                    foreach (string value in values)
                    {
                        if (!IsAwsPrincipal(value))
                        {
                            throw Fail($"Invalid principal in policy: \"AWS\":\"{value}\" (use \"*\", a 12-digit account id, or an IAM or STS principal ARN without wildcards).");
                        }
                    }
                    aws.AddRange(values);
                    break;
                case "Service" or "Federated" or "CanonicalUser":
                    other.AddRange(values.Select(v => $"{property.Name}:{v}"));
                    break;
                default:
                    throw Fail($"Invalid principal in policy: unknown principal type '{property.Name}' (use AWS, Service, Federated or CanonicalUser).");
            }
        }
        if (!any)
        {
            throw Fail($"Invalid principal in policy: {at} is empty.");
        }
        return new PolicyPrincipal(false, aws, other);
    }

    private static bool IsAwsPrincipal(string value)
    {
        if (value == "*" || AccountRegex().IsMatch(value))
        {
            return true;
        }
        return !value.Contains('*', StringComparison.Ordinal) && !value.Contains('?', StringComparison.Ordinal) && PrincipalArnRegex().IsMatch(value);
    }

    private static List<PolicyCondition> Conditions(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"{at} must be an object of operators, as {{\"StringEquals\": {{\"aws:ResourceTag/team\": \"data\"}}}}.");
        }
        var conditions = new List<PolicyCondition>();
        foreach (JsonProperty block in element.EnumerateObject())
        {
            string name = block.Name;
            SetQualifier qualifier = SetQualifier.None;
            if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
            {
                qualifier = SetQualifier.ForAnyValue;
                name = name["ForAnyValue:".Length..];
            }
            else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
            {
                qualifier = SetQualifier.ForAllValues;
                name = name["ForAllValues:".Length..];
            }
            bool ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
            if (ifExists)
            {
                name = name[..^"IfExists".Length];
            }
            if (!s_operators.TryGetValue(name, out ConditionOperator op) || (op == ConditionOperator.Null && (ifExists || qualifier != SetQualifier.None)))
            {
                throw Fail($"{at}: unsupported condition operator '{block.Name}'.");
            }
            if (block.Value.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"{at}.{block.Name} must be an object of condition keys and values.");
            }
            bool anyKey = false;
            foreach (JsonProperty key in block.Value.EnumerateObject())
            {
                anyKey = true;
                string where = $"{at}.{block.Name}.{key.Name}";
                if (key.Name.Length == 0)
                {
                    throw Fail($"{at}.{block.Name}: a condition key must not be empty.");
                }
                List<string> values = Strings(key.Value, where, scalars: true);
                foreach (string value in values)
                {
                    CheckValue(op, value, where);
                }
                conditions.Add(new PolicyCondition(op, qualifier, ifExists, key.Name, values));
            }
            if (!anyKey)
            {
                throw Fail($"{at}.{block.Name} has no condition key.");
            }
        }
        return conditions;
    }

    private static void CheckValue(ConditionOperator op, string value, string where)
    {
        bool ok = op switch
        {
            ConditionOperator.NumericEquals or ConditionOperator.NumericNotEquals or ConditionOperator.NumericLessThan
                or ConditionOperator.NumericLessThanEquals or ConditionOperator.NumericGreaterThan
                or ConditionOperator.NumericGreaterThanEquals => ConditionValues.TryParseNumber(value, out _),
            ConditionOperator.DateEquals or ConditionOperator.DateNotEquals or ConditionOperator.DateLessThan
                or ConditionOperator.DateLessThanEquals or ConditionOperator.DateGreaterThan
                or ConditionOperator.DateGreaterThanEquals => ConditionValues.TryParseDate(value, out _),
            ConditionOperator.Bool or ConditionOperator.Null => ConditionValues.TryParseBool(value, out _),
            ConditionOperator.IpAddress or ConditionOperator.NotIpAddress => ConditionValues.TryParseCidr(value, out _, out _),
            ConditionOperator.ArnEquals or ConditionOperator.ArnLike or ConditionOperator.ArnNotEquals
                or ConditionOperator.ArnNotLike => value == "*" || ArnPattern.IsArn(value),
            _ => true,
        };
        if (!ok)
        {
            throw Fail($"{where}: '{value}' is not a valid value for {op}.");
        }
    }

    private static string Text(JsonElement element, string at)
        => element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Fail($"{at} must be a string.");

    /// <summary>A string or a non-empty array of strings; with <paramref name="scalars"/>, numbers and booleans too
    /// (condition values), kept in their JSON spelling.</summary>
    private static List<string> Strings(JsonElement element, string at, bool scalars = false)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return [Scalar(element, at, scalars)];
        }
        var values = new List<string>();
        foreach (JsonElement item in element.EnumerateArray())
        {
            values.Add(Scalar(item, at, scalars));
        }
        return values.Count > 0 ? values : throw Fail($"{at} must not be an empty array.");
    }

    private static string Scalar(JsonElement element, string at, bool scalars) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False when scalars => element.GetRawText(),
        _ => throw Fail(scalars ? $"{at} must be a string, number or boolean, or an array of them." : $"{at} must be a string or an array of strings."),
    };

    private static PolicyParseException Fail(string message) => new(message);

    [GeneratedRegex("^[A-Za-z0-9]*$")]
    private static partial Regex SidRegex();

    [GeneratedRegex("^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$")]
    private static partial Regex ActionRegex();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountRegex();

    [GeneratedRegex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|user/.+|role/.+|federated-user/.+)|sts::[0-9]{12}:(assumed-role/.+/.+|federated-user/.+))$")]
    private static partial Regex PrincipalArnRegex();
}
