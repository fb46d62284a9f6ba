using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Runnel.Security.Authentication;

/// <summary>
/// The principals of the credentials file (<c>--credentials FILE</c>), keyed by access key id, with their secrets.
/// The file is one JSON object:
/// <code>
/// {"principals": [{"accessKeyId": "AKIA...", "secretAccessKey": "...", "sessionToken": "optional",
///                  "arn": "arn:aws:iam::123456789012:user/alice", "policies": [ {IAM policy}, ... ]}]}
/// </code>
/// Unknown keys, duplicate access keys and malformed ARNs are errors that name the file and the entry. Immutable and
/// thread-safe once loaded.
/// </summary>
public sealed class CredentialStore
{
    private readonly FrozenDictionary<string, Entry> _entries;

    private CredentialStore(Dictionary<string, Entry> entries) => _entries = entries.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every principal, in no particular order.</summary>
    public IEnumerable<Principal> Principals => _entries.Values.Select(e => e.Principal);

    /// <summary>Reads and checks a credentials file.</summary>
    /// <exception cref="CredentialsFileException">The file cannot be read or is not valid.</exception>
    public static CredentialStore Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsFileException($"{path}: cannot read the credentials file: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Checks the JSON text of a credentials file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="CredentialsFileException">The text is not a valid credentials file.</exception>
    public static CredentialStore Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CredentialsFileException($"{source}: not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CredentialsFileException($"{source}: the credentials file must be a JSON object {{\"principals\": [...]}}.");
            }
            JsonElement? list = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                list = property.Name == "principals"
                    ? property.Value
                    : throw new CredentialsFileException($"{source}: '{property.Name}' is not a key of the credentials file (only 'principals').");
            }
            if (list is not { ValueKind: JsonValueKind.Array } principals)
            {
                throw new CredentialsFileException($"{source}: 'principals' must be a list of principals.");
            }
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            int index = 0;
            foreach (JsonElement item in principals.EnumerateArray())
            {
                Entry entry = ParseEntry(item, $"{source}: principals[{index}]");
                if (!entries.TryAdd(entry.Principal.AccessKeyId, entry))
                {
                    throw new CredentialsFileException($"{source}: principals[{index}]: access key '{entry.Principal.AccessKeyId}' is listed twice.");
                }
                index++;
            }
            if (entries.Count == 0)
            {
                throw new CredentialsFileException($"{source}: 'principals' is empty: with --auth sigv4 no request could be authenticated.");
            }
            return new CredentialStore(entries);
        }
    }

    /// <summary>The principal of an access key and its secret (the <c>AWS4</c>-prefixed key bytes).</summary>
    internal bool TryGet(string accessKeyId, out Principal principal, out byte[] signingSecret)
    {
        if (_entries.TryGetValue(accessKeyId, out Entry? entry))
        {
            principal = entry.Principal;
            signingSecret = entry.SigningSecret;
            return true;
        }
        principal = null!;
        signingSecret = [];
        return false;
    }

    private static Entry ParseEntry(JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new CredentialsFileException($"{where} must be an object with accessKeyId, secretAccessKey and arn.");
        }
        string? accessKeyId = null, secret = null, token = null, arn = null;
        var policies = new List<string>();
        foreach (JsonProperty property in item.EnumerateObject())
        {
            string at = $"{where}.{property.Name}";
            switch (property.Name)
            {
                case "accessKeyId":
                    accessKeyId = String(property.Value, at);
                    break;
                case "secretAccessKey":
                    secret = String(property.Value, at);
                    break;
                case "sessionToken":
                    token = property.Value.ValueKind == JsonValueKind.Null ? null : String(property.Value, at);
                    break;
                case "arn":
                    arn = String(property.Value, at);
                    break;
                case "policies":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw new CredentialsFileException($"{at} must be a list of IAM policy documents (JSON objects).");
                    }
                    int n = 0;
                    foreach (JsonElement policy in property.Value.EnumerateArray())
                    {
                        policies.Add(policy.ValueKind == JsonValueKind.Object
                            ? policy.GetRawText()
                            : throw new CredentialsFileException($"{at}[{n}] must be an IAM policy document (a JSON object)."));
                        n++;
                    }
                    break;
                default:
                    throw new CredentialsFileException($"{at} is not a key of a principal (accessKeyId, secretAccessKey, sessionToken, arn, policies).");
            }
        }
        if (string.IsNullOrEmpty(accessKeyId))
        {
            throw new CredentialsFileException($"{where}: 'accessKeyId' is missing.");
        }
        if (!IsValidAccessKeyId(accessKeyId))
        {
            throw new CredentialsFileException($"{where}: accessKeyId '{accessKeyId}' must be 1 to 128 letters, digits or underscores.");
        }
        string who = $"{where} ({accessKeyId})";
        if (string.IsNullOrEmpty(secret))
        {
            throw new CredentialsFileException($"{who}: 'secretAccessKey' is missing.");
        }
        if (token is { Length: 0 })
        {
            throw new CredentialsFileException($"{who}: 'sessionToken' is empty (leave it out for long-term keys).");
        }
        if (string.IsNullOrEmpty(arn))
        {
            throw new CredentialsFileException($"{who}: 'arn' is missing (for example arn:aws:iam::123456789012:user/alice).");
        }
        string account = AccountOf(arn) ?? throw new CredentialsFileException(
            $"{who}: arn '{arn}' is not an IAM or STS principal ARN such as arn:aws:iam::123456789012:user/alice.");
        var principal = new Principal(accessKeyId, arn, account, token, policies.AsReadOnly());
        return new Entry(principal, Encoding.UTF8.GetBytes("AWS4" + secret));
    }

    private static string String(JsonElement value, string where)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new CredentialsFileException($"{where} must be a string.");

    private static bool IsValidAccessKeyId(string id)
        => id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The account of <c>arn:PARTITION:iam|sts::ACCOUNT:RESOURCE</c>, or null.</summary>
    internal static string? AccountOf(string arn)
    {
        string[] parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[2] is not ("iam" or "sts") || parts[3].Length != 0
            || parts[4].Length != 12 || !parts[4].All(char.IsAsciiDigit) || parts[5].Length == 0)
        {
            return null;
        }
        return parts[4];
    }

    private sealed record Entry(Principal Principal, byte[] SigningSecret);
}
