namespace Runnel.Harness.ComparePeers;

/// <summary>One answer: the HTTP status (0 for a transport failure), the body, and the error type of a non-200.</summary>
/// <param name="Status">HTTP status, or 0 when the call failed at the transport or timed out.</param>
/// <param name="Body">The body as received (empty for a transport failure).</param>
/// <param name="Error">The error's <c>__type</c> (after any <c>#</c>) or the transport failure; null for a 200.</param>
public sealed record PeerReply(int Status, byte[] Body, string? Error)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool Ok => Status == 200;
}
