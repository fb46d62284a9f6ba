namespace Runnel.Security.Authentication;

/// <summary>A SigV4 credential, <c>AKID/yyyymmdd/region/service/aws4_request</c>, split into its five parts.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="Date">The scope's date, <c>yyyymmdd</c>.</param>
/// <param name="Region">The scope's region.</param>
/// <param name="Service">The scope's service (<c>kinesis</c>).</param>
/// <param name="Terminator">The terminator, <c>aws4_request</c> when well formed.</param>
public sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service, string Terminator)
{
    /// <summary>The scope as it appears in the string to sign: <c>date/region/service/terminator</c>.</summary>
    public string Scope => $"{Date}/{Region}/{Service}/{Terminator}";

    /// <summary>Splits a credential; false unless it has exactly five slash-separated parts.</summary>
    public static bool TryParse(string credential, out CredentialScope scope)
    {
        ArgumentNullException.ThrowIfNull(credential);
        string[] parts = credential.Split('/');
        if (parts.Length != 5)
        {
            scope = null!;
            return false;
        }
        scope = new CredentialScope(parts[0], parts[1], parts[2], parts[3], parts[4]);
        return true;
    }

    internal static AuthenticationError Malformed(string credential) => AuthenticationError.Incomplete(
        $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'");
}
