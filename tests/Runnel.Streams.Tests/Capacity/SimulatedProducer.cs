using Microsoft.Extensions.Time.Testing;
using Runnel.Streams.Capacity;

namespace Runnel.Streams.Tests.Capacity;

/// <summary>
/// A producer in simulated time: records arrive at a fixed offered rate into a backlog; every step the producer
/// sends from the head of the backlog until the first refusal, and retries the refused record next step (as the
/// KPL does). Accepted bytes are recorded per step so that any window can be checked.
/// </summary>
internal sealed class SimulatedProducer
{
    private readonly FakeTimeProvider _time;
    private readonly Func<int, WriteDecision> _send;

    public SimulatedProducer(FakeTimeProvider time, Func<int, WriteDecision> send)
    {
        _time = time;
        _send = send;
    }

    public long OfferedBytes { get; private set; }

    public long AcceptedBytes { get; private set; }

    public long AcceptedRecords { get; private set; }

    public long Refusals { get; private set; }

    /// <summary>Accepted bytes per step, in step order.</summary>
    public List<long> AcceptedPerStep { get; } = [];

    /// <summary>Accepted records per step, in step order.</summary>
    public List<long> RecordsPerStep { get; } = [];

    /// <summary>Offers <paramref name="offeredBytesPerSecond"/> in records of <paramref name="recordBytes"/> for a duration.</summary>
    public void Run(long offeredBytesPerSecond, int recordBytes, TimeSpan duration, TimeSpan step)
    {
        long steps = duration.Ticks / step.Ticks;
        long backlog = 0;
        long offeredRecords = 0;
        for (long i = 0; i < steps; i++)
        {
            // Records offered by the start of step i (exact integer arithmetic: no drift over many steps).
            Int128 offeredSoFar = (Int128)offeredBytesPerSecond * (i * step.Ticks) / TimeSpan.TicksPerSecond;
            long due = (long)(offeredSoFar / recordBytes) + 1;
            backlog += due - offeredRecords;
            OfferedBytes += (due - offeredRecords) * recordBytes;
            offeredRecords = due;

            long bytesThisStep = 0;
            long recordsThisStep = 0;
            while (backlog > 0)
            {
                if (_send(recordBytes) != WriteDecision.Accepted)
                {
                    Refusals++;
                    break;
                }
                backlog--;
                bytesThisStep += recordBytes;
                recordsThisStep++;
            }
            AcceptedBytes += bytesThisStep;
            AcceptedRecords += recordsThisStep;
            AcceptedPerStep.Add(bytesThisStep);
            RecordsPerStep.Add(recordsThisStep);
            _time.Advance(step);
        }
    }

    /// <summary>The largest sum of <paramref name="perStep"/> over <paramref name="windowSteps"/> consecutive steps.</summary>
    public static long MaxOverWindow(List<long> perStep, int windowSteps)
    {
        long sum = 0;
        long max = 0;
        for (int i = 0; i < perStep.Count; i++)
        {
            sum += perStep[i];
            if (i >= windowSteps)
            {
                sum -= perStep[i - windowSteps];
            }
            max = Math.Max(max, sum);
        }
        return max;
    }
}
