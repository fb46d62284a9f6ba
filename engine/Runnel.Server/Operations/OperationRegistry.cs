using System.Collections.Frozen;

namespace Runnel.Server.Operations;

/// <summary>Every <see cref="IOperation"/> of this assembly, by name. Built once; thread-safe.</summary>
public static class OperationRegistry
{
    private static readonly FrozenDictionary<string, IOperation> s_operations = typeof(IOperation).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IOperation).IsAssignableFrom(t))
        .Select(t => (IOperation)Activator.CreateInstance(t)!)
        .ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>All operation names.</summary>
    public static IEnumerable<string> Names => s_operations.Keys;

    /// <summary>The operation called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, out IOperation operation)
        => s_operations.TryGetValue(name, out operation!);
}
