namespace Runnel.Model;

/// <summary>
/// A Kinesis stream name: 1-128 characters of <c>[a-zA-Z0-9_.-]</c>. The constructor validates; use
/// <see cref="IsValid"/> to check untrusted input without an exception. Immutable value type.
/// </summary>
public readonly record struct StreamName(string Value)
{
    /// <summary>The longest name Kinesis accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>The validated name.</summary>
    public string Value { get; } = Validate(Value);

    /// <summary>True if <paramref name="name"/> is 1-128 characters of <c>[a-zA-Z0-9_.-]</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Value ?? string.Empty;

    private static string Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            ThrowHelper.ThrowArgument(nameof(value), "A stream name is 1-128 characters of [a-zA-Z0-9_.-].");
        }

        return value;
    }
}
