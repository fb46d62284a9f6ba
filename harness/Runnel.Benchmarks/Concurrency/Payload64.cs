using System.Runtime.CompilerServices;

namespace Runnel.Benchmarks.Concurrency;

/// <summary>A 64-byte message by value: what the <c>Channel&lt;T&gt;</c> baseline carries, the same bytes the ring copies.</summary>
[InlineArray(64)]
public struct Payload64
{
    private byte _element;
}
