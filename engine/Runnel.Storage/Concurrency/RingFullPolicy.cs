namespace Runnel.Storage.Concurrency;

/// <summary>
/// What a producer does when an <see cref="MpscRing"/> has no room for its record: the stated backpressure policy.
/// </summary>
public enum RingFullPolicy
{
    /// <summary>
    /// Return <see cref="RingClaimStatus.Full"/> at once and claim nothing. The claim is a compare-and-swap on the
    /// tail (one atomic when uncontended), because an <c>Interlocked.Add</c> cannot be taken back once it overshoots.
    /// The caller decides: <c>ShardLog</c> throws <c>LogBackpressureException</c>, which the streams layer maps to
    /// <c>ProvisionedThroughputExceededException</c>.
    /// </summary>
    Reject,

    /// <summary>
    /// Claim with one <c>Interlocked.Add</c> on the tail (wait-free), then, if the claimed bytes are still held by
    /// the consumer, spin, yield, and finally park until the consumer releases them. For producers that may block
    /// (benchmarks, dedicated producer threads); never for request threads awaiting I/O.
    /// </summary>
    Wait,
}
