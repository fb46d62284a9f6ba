using Runnel.Streams;

namespace Runnel.Server.Operations;

/// <summary>What an operation runs against: the engine, and the request's cancellation.</summary>
public sealed class OperationContext(StreamEngine engine, CancellationToken cancellationToken)
{
    public StreamEngine Engine { get; } = engine;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}
