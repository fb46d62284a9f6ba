using System.Diagnostics.CodeAnalysis;

namespace Runnel.Security.Authentication;

/// <summary>The outcome of verifying one request: the principal, or the error to answer with. Exactly one is set.</summary>
public readonly struct AuthenticationResult
{
    private AuthenticationResult(Principal? principal, AuthenticationError? error)
    {
        Principal = principal;
        Error = error;
    }

    /// <summary>The authenticated caller, when <see cref="Succeeded"/>.</summary>
    public Principal? Principal { get; }

    /// <summary>The refusal, when not <see cref="Succeeded"/>.</summary>
    public AuthenticationError? Error { get; }

    /// <summary>True when the request is authentic.</summary>
    [MemberNotNullWhen(true, nameof(Principal))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Principal is not null;

    internal static AuthenticationResult Success(Principal principal) => new(principal, null);

    internal static AuthenticationResult Failure(AuthenticationError error) => new(null, error);
}
