namespace Runnel.Streams;

/// <summary>What authorization needs to know of a stream or a consumer: its ARN, its resource policy (null when
/// none is attached) and its tags (for <c>aws:ResourceTag/*</c>).</summary>
/// <param name="Arn">The stream's or consumer's ARN.</param>
/// <param name="Policy">The resource policy document, or null.</param>
/// <param name="Tags">The resource's tags.</param>
public sealed record ResourceAccess(string Arn, string? Policy, IReadOnlyDictionary<string, string> Tags);
