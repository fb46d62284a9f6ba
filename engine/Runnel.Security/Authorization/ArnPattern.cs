namespace Runnel.Security.Authorization;

/// <summary>
/// ARN matching as IAM does it for <c>Resource</c> and the <c>Arn*</c> condition operators: an ARN has six parts
/// (<c>arn:partition:service:region:account:resource</c>; the resource part keeps any further colons, as a
/// consumer ARN's <c>:timestamp</c>); each part of the pattern is matched against the same part of the ARN with
/// <c>*</c>/<c>?</c> wildcards, case-sensitively, so a wildcard never crosses one of the first five colons. A
/// pattern of just <c>*</c> matches everything.
/// </summary>
public static class ArnPattern
{
    private const int Parts = 6;

    /// <summary>Whether <paramref name="arn"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string arn)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(arn);
        if (pattern == "*")
        {
            return true;
        }
        string[] patternParts = pattern.Split(':', Parts);
        string[] arnParts = arn.Split(':', Parts);
        if (patternParts.Length != Parts || arnParts.Length != Parts)
        {
            return false;
        }
        for (int i = 0; i < Parts; i++)
        {
            if (!WildcardPattern.Matches(patternParts[i], arnParts[i], ignoreCase: false))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="text"/> has the six parts of an ARN and starts with <c>arn:</c>.</summary>
    public static bool IsArn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("arn:", StringComparison.Ordinal) && text.Split(':', Parts).Length == Parts;
    }
}
