namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>What a <c>ceiling</c> run loads: the embedded engine or a server over HTTP. Streams are created one at a time.</summary>
public interface ICeilingTarget : IAsyncDisposable
{
    /// <summary>Embedded or HTTP.</summary>
    CeilingMode Mode { get; }

    /// <summary>The process that runs the engine (whose CPU and trace count), when known.</summary>
    int? ServerProcessId { get; }

    /// <summary>The engine's data directory, for finding its block device; null when unknown (a remote server).</summary>
    string? DataPath { get; }

    /// <summary>The storage device the engine uses, as it reported it.</summary>
    string Device { get; }

    /// <summary>The engine's group commits so far, when it exposes them.</summary>
    long? EngineCommits { get; }

    /// <summary>Creates a stream for <paramref name="workload"/> and waits until it takes records.</summary>
    Task<ICeilingStreamHandle> CreateStreamAsync(string name, CeilingWorkload workload, CancellationToken cancellationToken);
}
