namespace Runnel.Security.Authentication;

/// <summary>
/// An authenticated caller, as loaded from the credentials file: its access key, its IAM ARN (and the account in
/// it), the session token its requests must carry (if any) and its identity policies as raw JSON. Immutable; the
/// secret access key is not part of it (it stays in <see cref="CredentialStore"/>).
/// </summary>
/// <param name="AccessKeyId">The access key id that signs the principal's requests.</param>
/// <param name="Arn">The principal's ARN, for example <c>arn:aws:iam::123456789012:user/alice</c>.</param>
/// <param name="AccountId">The 12-digit account id of <paramref name="Arn"/>.</param>
/// <param name="SessionToken">When set, every request must carry <c>X-Amz-Security-Token</c> equal to it.</param>
/// <param name="PolicyDocuments">Each identity policy's JSON text, as written in the file.</param>
public sealed record Principal(string AccessKeyId, string Arn, string AccountId, string? SessionToken, IReadOnlyList<string> PolicyDocuments);
