using Microsoft.AspNetCore.Http.Features;
using Runnel.Security.Authentication;

namespace Runnel.Server.Http;

/// <summary>
/// The server's side of SigV4 (the verification itself is <see cref="SigV4Verifier"/> in Runnel.Security): builds
/// the verifier from the options, hands it a request as it came off the wire (raw path and query, every header
/// value, the body as read) and keeps the parsed <c>Authorization</c> header on every request for the audit trail
/// (unverified: with <c>--auth none</c> nothing is checked).
/// </summary>
internal static class SigV4Authorization
{
    /// <summary>The verifier for <c>--auth sigv4</c>, or null for <c>--auth none</c>.</summary>
    /// <exception cref="CredentialsFileException">The credentials file cannot be read or is not valid.</exception>
    public static SigV4Verifier? CreateVerifier(RunnelServerOptions options, TimeProvider time)
        => options.Authentication == AuthenticationMode.SigV4
            ? new SigV4Verifier(CredentialStore.Load(options.CredentialsPath!), options.Streams.Region, time)
            : null;

    /// <summary>
    /// Verifies the request; on success puts the <see cref="Principal"/> into <see cref="HttpContext.Features"/> and
    /// returns null, else returns the error to answer with.
    /// </summary>
    public static AuthenticationError? Authenticate(HttpContext context, SigV4Verifier verifier, ReadOnlySpan<byte> body)
    {
        AuthenticationResult result = verifier.Verify(ToSigV4Request(context.Request), body);
        if (!result.Succeeded)
        {
            return result.Error;
        }
        context.Features.Set(result.Principal);
        return null;
    }

    /// <summary>Keeps the parsed <c>Authorization</c> header (unverified) in the request's features as a
    /// <see cref="SigV4AuthorizationHeader"/>, if it parses.</summary>
    public static void Remember(HttpContext context)
    {
        if (context.Request.Headers.Authorization is [string header, ..] && SigV4AuthorizationHeader.TryParse(header, out SigV4AuthorizationHeader? parsed))
        {
            context.Features.Set(parsed);
        }
    }

    private static SigV4Request ToSigV4Request(HttpRequest request)
    {
        // The raw target as sent: Kestrel's Path is unescaped, but SigV4 signs the path as it was on the wire.
        string target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path.Value ?? "/";
        int question = target.IndexOf('?', StringComparison.Ordinal);
        string path = question < 0 ? target : target[..question];
        string query = question < 0 ? request.QueryString.Value ?? "" : target[(question + 1)..];
        IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> headers =
            request.Headers.Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Key, h.Value.Select(v => v ?? "").ToArray()));
        if (!HttpProtocol.IsHttp11(request.Protocol) && !HttpProtocol.IsHttp10(request.Protocol) && request.Headers.Host is [string authority, ..])
        {
            // Kestrel turns HTTP/2's :authority pseudo-header into Host; HTTP/2 clients sign it under its own name.
            headers = headers.Append(new(":authority", [authority]));
        }
        return new SigV4Request(request.Method, path, query, headers);
    }
}
