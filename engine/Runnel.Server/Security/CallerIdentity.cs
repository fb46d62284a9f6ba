using System.Net;

namespace Runnel.Server.Security;

/// <summary>
/// Who sent a request and how, as the authorizer needs it: the authenticated principal's ARN (its account is the
/// ARN's), its identity policies (each policy's JSON text, as the credentials file gives them), the client's
/// address, whether the connection is TLS, and the User-Agent header.
/// </summary>
/// <param name="PrincipalArn">The principal's ARN, e.g. <c>arn:aws:iam::123456789012:user/alice</c>.</param>
/// <param name="IdentityPolicies">The principal's identity policy documents (JSON text).</param>
/// <param name="SourceIp">The client's address (<c>aws:SourceIp</c>), if known.</param>
/// <param name="SecureTransport">True when the request came over TLS (<c>aws:SecureTransport</c>).</param>
/// <param name="UserAgent">The User-Agent header (<c>aws:UserAgent</c>), if any.</param>
public sealed record CallerIdentity(string PrincipalArn, IReadOnlyList<string> IdentityPolicies, IPAddress? SourceIp, bool SecureTransport, string? UserAgent);
