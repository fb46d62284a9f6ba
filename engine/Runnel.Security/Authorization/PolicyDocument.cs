namespace Runnel.Security.Authorization;

/// <summary>A parsed IAM policy document (<see cref="PolicyParser"/>); immutable, so one instance serves every request.</summary>
/// <param name="Kind">Identity or resource policy.</param>
/// <param name="Version">The <c>Version</c>, if given.</param>
/// <param name="Id">The <c>Id</c>, if given.</param>
/// <param name="Statements">The statements, in document order.</param>
public sealed record PolicyDocument(PolicyKind Kind, string? Version, string? Id, IReadOnlyList<PolicyStatement> Statements);
