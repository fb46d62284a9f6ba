namespace Runnel.Security.Authorization;

/// <summary>
/// The request's condition keys and their values (a key may have several, as <c>aws:TagKeys</c>). Key names are
/// compared case-insensitively, as IAM does. Not thread-safe: one instance per request.
/// </summary>
public sealed class ConditionContext
{
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets a single-valued key.</summary>
    public ConditionContext Set(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _values[key] = [value];
        return this;
    }

    /// <summary>Sets a multivalued key (an empty list is present but empty).</summary>
    public ConditionContext Set(string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values[key] = values;
        return this;
    }

    /// <summary>The values of <paramref name="key"/>; false when the request does not carry it.</summary>
    public bool TryGet(string key, out IReadOnlyList<string> values)
    {
        if (_values.TryGetValue(key, out IReadOnlyList<string>? found))
        {
            values = found;
            return true;
        }
        values = [];
        return false;
    }

    /// <summary>The keys present.</summary>
    public IEnumerable<string> Keys => _values.Keys;
}
