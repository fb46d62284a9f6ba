using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Runnel.Security.Authorization;

/// <summary>
/// Parsed policies by their exact text, so each distinct document is parsed once however many requests use it.
/// The same string instance (a principal's policy from the credentials file, a stream's stored policy) is found by
/// reference first, without hashing its text again.
/// Bounded: past <see cref="Capacity"/> distinct texts the cache is cleared and refills (policies change rarely,
/// so this only guards memory against a caller who keeps writing new ones). Thread-safe.
/// </summary>
public sealed class PolicyCache
{
    private readonly ConcurrentDictionary<(string Text, PolicyKind Kind), PolicyDocument> _parsed = new();
    private readonly ConditionalWeakTable<string, PolicyDocument> _identityByInstance = [];
    private readonly ConditionalWeakTable<string, PolicyDocument> _resourceByInstance = [];

    /// <summary>A cache keeping up to <paramref name="capacity"/> documents.</summary>
    public PolicyCache(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most documents kept.</summary>
    public int Capacity { get; }

    /// <summary>How many documents are cached now.</summary>
    public int Count => _parsed.Count;

    /// <summary>The parsed form of <paramref name="text"/>; throws <see cref="PolicyParseException"/> (not cached)
    /// when it is not a valid policy of <paramref name="kind"/>.</summary>
    public PolicyDocument Get(string text, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        ConditionalWeakTable<string, PolicyDocument> byInstance = kind == PolicyKind.Identity ? _identityByInstance : _resourceByInstance;
        if (byInstance.TryGetValue(text, out PolicyDocument? document))
        {
            return document;
        }
        if (!_parsed.TryGetValue((text, kind), out document))
        {
            document = PolicyParser.Parse(text, kind);
            if (_parsed.Count >= Capacity)
            {
                _parsed.Clear();
            }
            document = _parsed.GetOrAdd((text, kind), document);
        }
        byInstance.AddOrUpdate(text, document);
        return document;
    }
}
