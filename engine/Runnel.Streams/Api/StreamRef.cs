namespace Runnel.Streams;

/// <summary>How a request names a stream: by name, by ARN, or both (they must agree).</summary>
public readonly record struct StreamRef(string? Name, string? Arn)
{
    /// <summary>A reference by name.</summary>
    public static StreamRef Named(string name) => new(name, null);
}
