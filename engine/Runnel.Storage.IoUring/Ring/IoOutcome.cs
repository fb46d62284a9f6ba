namespace Runnel.Storage.IoUring.Ring;

/// <summary>How a submitted chain of <see cref="IoRequest"/>s ended, as read by <see cref="CompletionCheck"/>.</summary>
internal enum IoOutcome
{
    /// <summary>Every request completed in full.</summary>
    Completed,

    /// <summary>A request failed with an errno (a cancelled link after it is not reported again).</summary>
    Failed,

    /// <summary>A read or write moved fewer bytes than asked; the rest of its chain was cancelled.</summary>
    ShortTransfer,
}
