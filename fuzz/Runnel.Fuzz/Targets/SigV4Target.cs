using System.Text;
using Runnel.Server.Http;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Target <c>sigv4</c>: the SigV4 <c>Authorization</c> header parser, <see cref="SigV4Authorization.TryParse"/>
/// (engine/Runnel.Server/Http). Contract: true with a complete value, or false; never an exception.
/// </summary>
/// <remarks>Retarget: when the parser moves to engine/Runnel.Security/Authentication, call its TryParse here.</remarks>
internal static class SigV4Target
{
    /// <summary>Runs the target on one input (decoded as UTF-8, as Kestrel hands a header value over).</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        string header = Encoding.UTF8.GetString(input);
        bool parsed = SigV4Authorization.TryParse(header, out SigV4Authorization? authorization);
        if (parsed != authorization is not null)
        {
            throw new ContractViolationException($"sigv4: TryParse returned {parsed} with authorization {authorization}.");
        }
        if (authorization is not null)
        {
            _ = authorization.AccessKeyId.Length + authorization.Date.Length + authorization.Region.Length
                + authorization.Service.Length + authorization.SignedHeaders.Count + authorization.Signature.Length;
        }
        budget.Check("sigv4");
    }
}
