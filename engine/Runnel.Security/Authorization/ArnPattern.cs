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
        ReadOnlySpan<char> p = pattern;
        ReadOnlySpan<char> a = arn;
        for (int part = 0; part < Parts - 1; part++)
        {
            int pc = p.IndexOf(':');
            int ac = a.IndexOf(':');
            if (pc < 0 || ac < 0 || !WildcardPattern.Matches(p[..pc], a[..ac], ignoreCase: false))
            {
                return false;
            }
            p = p[(pc + 1)..];
            a = a[(ac + 1)..];
        }
        return WildcardPattern.Matches(p, a, ignoreCase: false);
    }

    /// <summary>Whether <paramref name="text"/> has the six parts of an ARN and starts with <c>arn:</c>.</summary>
    public static bool IsArn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith("arn:", StringComparison.Ordinal) && text.AsSpan().Count(':') >= Parts - 1;
    }
}
