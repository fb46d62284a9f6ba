using System.Text;
using Runnel.Security.Authentication;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Target <c>sigv4</c>: the SigV4 <c>Authorization</c> header parser, <see cref="SigV4AuthorizationHeader.TryParse"/>
/// (engine/Runnel.Security/Authentication). Contract: true with a complete value, or false; never an exception.
/// </summary>
internal static class SigV4Target
{
    /// <summary>Runs the target on one input (decoded as UTF-8, as Kestrel hands a header value over).</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        string header = Encoding.UTF8.GetString(input);
        bool parsed = SigV4AuthorizationHeader.TryParse(header, out SigV4AuthorizationHeader? authorization);
        if (parsed != authorization is not null)
        {
            throw new ContractViolationException($"sigv4: TryParse returned {parsed} with authorization {authorization}.");
        }
        if (authorization is not null)
        {
            CredentialScope scope = authorization.Credential;
            _ = scope.AccessKeyId.Length + scope.Date.Length + scope.Region.Length + scope.Service.Length + scope.Terminator.Length
                + authorization.SignedHeaders.Count + authorization.SignedHeadersText.Length + authorization.Signature.Length;
        }
        budget.Check("sigv4");
    }
}
