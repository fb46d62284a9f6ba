using Runnel.Storage.IoUring.Interop;

namespace Runnel.Storage.IoUring.Ring;

/// <summary>
/// Reads the results of a submitted chain and names its first failure. A linked request after a failure completes
/// with -ECANCELED: that is a consequence, not the cause, so the first failure is what is reported. Pure, so the
/// error paths the kernel rarely produces (short writes, failed fsync) are unit-tested with synthetic results.
/// </summary>
internal static class CompletionCheck
{
    /// <summary>The outcome, the index of the first failed request (-1 when none) and its errno (0 for a short transfer).</summary>
    public static IoOutcome Check(ReadOnlySpan<IoRequest> requests, ReadOnlySpan<int> results, out int failedIndex, out int errno)
    {
        for (int i = 0; i < requests.Length; i++)
        {
            int result = results[i];
            if (result < 0)
            {
                failedIndex = i;
                errno = -result;
                return IoOutcome.Failed;
            }
            if (requests[i].IsTransfer && (uint)result < requests[i].Length)
            {
                failedIndex = i;
                errno = 0;
                return IoOutcome.ShortTransfer;
            }
        }
        failedIndex = -1;
        errno = 0;
        return IoOutcome.Completed;
    }

    /// <summary>Whether request <paramref name="index"/> is an fsync (so its failure poisons the file).</summary>
    public static bool IsSync(ReadOnlySpan<IoRequest> requests, int index) =>
        index >= 0 && requests[index].Opcode == IoUringConstants.OpFsync;
}
