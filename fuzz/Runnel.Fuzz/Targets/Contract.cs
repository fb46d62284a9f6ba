namespace Runnel.Fuzz.Targets;

/// <summary>
/// A decoder broke its contract on an input: it allocated more than the input can justify. (An exception other than
/// the documented one breaks it too; that exception itself escapes the target and is the report.)
/// </summary>
internal sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// The allocation half of every target's contract: decoding an input allocates at most a fixed allowance plus a
/// bounded multiple of the input's length, so that no length field can make a decoder allocate what the input does
/// not hold. Measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> (the targets are synchronous).
/// </summary>
internal readonly struct AllocationBudget
{
    /// <summary>What any input may allocate: exception objects, stack traces, first-call static initialisation.</summary>
    public const long FixedBytes = 4L * 1024 * 1024;

    /// <summary>Bytes allowed per input byte: a one-byte CBOR or JSON value becomes a node object of ~100 bytes.</summary>
    public const long BytesPerInputByte = 512;

    private readonly long _start;
    private readonly long _limit;

    private AllocationBudget(long start, long limit)
    {
        _start = start;
        _limit = limit;
    }

    /// <summary>Starts measuring for an input of <paramref name="inputLength"/> bytes.</summary>
    public static AllocationBudget Start(int inputLength)
        => new(GC.GetAllocatedBytesForCurrentThread(), FixedBytes + (BytesPerInputByte * inputLength));

    /// <summary>Throws <see cref="ContractViolationException"/> when the target allocated more than allowed.</summary>
    public void Check(string target)
    {
        long used = GC.GetAllocatedBytesForCurrentThread() - _start;
        if (used > _limit)
        {
            throw new ContractViolationException($"{target}: decoding allocated {used} bytes, over the budget of {_limit}.");
        }
    }
}
