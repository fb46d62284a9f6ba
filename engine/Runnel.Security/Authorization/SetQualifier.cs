namespace Runnel.Security.Authorization;

/// <summary>How a condition treats a multivalued key: <c>ForAnyValue:</c> (some value matches) or
/// <c>ForAllValues:</c> (every value matches; true when the key is absent or empty).</summary>
public enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}
