namespace Runnel.Storage.Concurrency;

/// <summary>The outcome of <see cref="MpscRing.TryClaim"/>.</summary>
public enum RingClaimStatus
{
    /// <summary>Space is claimed: write the payload, then <see cref="MpscRing.Publish"/> it.</summary>
    Claimed,

    /// <summary>The ring has no room now (only under <see cref="RingFullPolicy.Reject"/>); nothing was claimed.</summary>
    Full,

    /// <summary>The record is longer than <see cref="MpscRing.MaxPayloadLength"/>; it can never fit.</summary>
    TooLarge,
}
