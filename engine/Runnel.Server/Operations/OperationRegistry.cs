using System.Collections.Frozen;

namespace Runnel.Server.Operations;

/// <summary>Every <see cref="IOperation"/> and <see cref="IStreamingOperation"/> of this assembly, by name. Built once; thread-safe.</summary>
public static class OperationRegistry
{
    private static readonly FrozenDictionary<string, IOperation> s_operations = typeof(IOperation).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IOperation).IsAssignableFrom(t))
        .Select(t => (IOperation)Activator.CreateInstance(t)!)
        .ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, IStreamingOperation> s_streaming = typeof(IStreamingOperation).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStreamingOperation).IsAssignableFrom(t))
        .Select(t => (IStreamingOperation)Activator.CreateInstance(t)!)
        .ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>All operation names.</summary>
    public static IEnumerable<string> Names => s_operations.Keys;

    /// <summary>The operation called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, out IOperation operation)
        => s_operations.TryGetValue(name, out operation!);

    /// <summary>The event-stream operation called <paramref name="name"/> (SubscribeToShard), if there is one.</summary>
    public static bool TryGetStreaming(string name, out IStreamingOperation operation)
        => s_streaming.TryGetValue(name, out operation!);
}
