namespace Runnel.Harness.ComparePeers;

/// <summary>A running target: its plain HTTP endpoint on loopback and its process. Disposing stops it and removes its data.</summary>
public interface IPeerServer : IAsyncDisposable
{
    /// <summary>The plain HTTP/1.1 endpoint.</summary>
    Uri Endpoint { get; }

    /// <summary>The server's process id, for its CPU time.</summary>
    int ProcessId { get; }
}
