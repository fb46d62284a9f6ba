namespace Runnel.Server.Http;

/// <summary>
/// The parts of a SigV4 <c>Authorization</c> header (kinesis-api.md 1.6):
/// <c>AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/kinesis/aws4_request, SignedHeaders=a;b, Signature=hex</c>.
/// Parsed and kept on the request; any credentials are accepted until signature verification lands.
/// </summary>
/// <param name="AccessKeyId">The access key id of the credential scope.</param>
/// <param name="Date">The scope's date, <c>yyyymmdd</c>.</param>
/// <param name="Region">The scope's region.</param>
/// <param name="Service">The scope's service (<c>kinesis</c>).</param>
/// <param name="SignedHeaders">The signed header names, lowercase, as sent.</param>
/// <param name="Signature">The hex signature.</param>
public sealed record SigV4Authorization(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature)
{
    /// <summary>The only algorithm AWS clients use.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Parses a header value; false when it is not a complete SigV4 header.</summary>
    public static bool TryParse(string? header, out SigV4Authorization? authorization)
    {
        authorization = null;
        if (header is null || !header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return false;
        }
        string? credential = null, signedHeaders = null, signature = null;
        foreach (string part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            string value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential":
                    credential = value;
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    break;
                case "Signature":
                    signature = value;
                    break;
                default:
                    break;
            }
        }
        if (credential is null || signedHeaders is null || signature is null)
        {
            return false;
        }
        string[] scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[4] != "aws4_request")
        {
            return false;
        }
        authorization = new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], signedHeaders.Split(';'), signature);
        return true;
    }
}
