using System.Buffers.Binary;
using Runnel.Storage.Concurrency;

namespace Runnel.Storage.Tests.Concurrency;

public class MpscRingTests
{
    [Fact]
    public void TryRead_LaterRecordPublishedFirst_NothingReadableUntilEarlierOnePublished()
    {
        var ring = new MpscRing(1024, RingFullPolicy.Reject);
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(16, out RingClaim first));
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(16, out RingClaim second));
        ring.GetPayload(second).Fill(2);
        ring.Publish(second);

        Assert.False(ring.TryRead(0, out _, out _));

        ring.GetPayload(first).Fill(1);
        ring.Publish(first);
        Assert.True(ring.TryRead(0, out ReadOnlySpan<byte> a, out long next));
        Assert.Equal(1, a[0]);
        Assert.True(ring.TryRead(next, out ReadOnlySpan<byte> b, out long end));
        Assert.Equal(2, b[15]);
        Assert.False(ring.TryRead(end, out _, out _));
    }

    [Fact]
    public void TryClaim_RingFullUnderReject_ReturnsFullAndClaimsNothing()
    {
        var ring = new MpscRing(256, RingFullPolicy.Reject);
        int claimed = 0;
        while (ring.TryClaim(24, out RingClaim claim) == RingClaimStatus.Claimed)
        {
            ring.Publish(claim);
            claimed++;
        }
        long tail = ring.TailPosition;
        Assert.Equal(256 / MpscRing.RecordLength(24), claimed);
        Assert.Equal(RingClaimStatus.Full, ring.TryClaim(24, out _));
        Assert.Equal(tail, ring.TailPosition);

        Assert.True(ring.TryRead(0, out _, out long next));
        ring.Release(next);
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(24, out _));
    }

    [Fact]
    public void TryClaim_PayloadOverHalfTheRing_ReturnsTooLarge()
    {
        var ring = new MpscRing(256, RingFullPolicy.Wait);
        Assert.Equal(RingClaimStatus.TooLarge, ring.TryClaim(ring.MaxPayloadLength + 1, out _));
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(ring.MaxPayloadLength, out _));
    }

    [Theory]
    [InlineData(RingFullPolicy.Reject)]
    [InlineData(RingFullPolicy.Wait)]
    public void TryRead_RecordDoesNotFitBeforeEnd_PaddingSkippedAndRecordWholeAtStart(RingFullPolicy policy)
    {
        var ring = new MpscRing(256, policy);
        long position = 0;
        for (int round = 0; round < 50; round++)
        {
            int length = 8 + (round * 13 % 100);
            Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(length, out RingClaim claim));
            ring.GetPayload(claim).Fill((byte)round);
            ring.Publish(claim);
            Assert.True(ring.TryRead(position, out ReadOnlySpan<byte> payload, out position));
            Assert.Equal(length, payload.Length);
            Assert.True(payload.IndexOfAnyExcept((byte)round) < 0);
            ring.Release(position);
        }
    }

    [Fact]
    public void Constructor_NoClaimYet_AllocatesNoBuffer()
    {
        var ring = new MpscRing(1 << 20, RingFullPolicy.Reject);

        Assert.False(ring.IsBufferAllocated);
        Assert.False(ring.TryRead(0, out _, out _));
        Assert.True(ring.TryMarkConsumerIdle(0));
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(8, out _));
        Assert.True(ring.IsBufferAllocated);
    }

    [Fact]
    public void TryReleaseBuffer_RecordNotYetReleased_KeepsBuffer()
    {
        var ring = new MpscRing(256, RingFullPolicy.Reject);
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(16, out RingClaim claim));
        ring.GetPayload(claim).Fill(7);
        ring.Publish(claim);

        Assert.False(ring.TryReleaseBuffer()); // published, unread: the consumer was started and is running
        Assert.True(ring.TryRead(0, out ReadOnlySpan<byte> payload, out long next));
        Assert.Equal(7, payload[0]);
        Assert.False(ring.TryReleaseBuffer()); // read but not released
        ring.Release(next);
        Assert.False(ring.TryReleaseBuffer()); // empty, but the consumer has not gone idle
        Assert.True(ring.TryMarkConsumerIdle(next));

        Assert.True(ring.TryReleaseBuffer());
        Assert.False(ring.IsBufferAllocated);
    }

    [Theory]
    [InlineData(RingFullPolicy.Reject)]
    [InlineData(RingFullPolicy.Wait)]
    public void TryClaim_AfterBufferReleased_AllocatesAgainAndPositionsGoOn(RingFullPolicy policy)
    {
        var ring = new MpscRing(256, policy);
        long position = 0;
        for (int round = 0; round < 40; round++)
        {
            int length = 8 + (round * 29 % 110);
            Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(length, out RingClaim claim));
            ring.GetPayload(claim).Fill((byte)(round + 1));
            bool startConsumer = ring.Publish(claim);
            Assert.True(startConsumer); // the consumer was idle (released buffers only happen when it is)
            Assert.True(ring.TryRead(position, out ReadOnlySpan<byte> payload, out long next));
            Assert.Equal(length, payload.Length);
            Assert.True(payload.IndexOfAnyExcept((byte)(round + 1)) < 0);
            ring.Release(next);
            position = next;
            Assert.True(ring.TryMarkConsumerIdle(position));
            if (round % 3 == 0)
            {
                Assert.True(ring.TryReleaseBuffer());
            }
        }
        Assert.Equal(ring.TailPosition, ring.HeadPosition);
    }

    [Fact]
    public void TryMarkConsumerIdle_RecordPublishedAfterIdle_PublisherIsToldToStartConsumer()
    {
        var ring = new MpscRing(256, RingFullPolicy.Reject);
        ring.MarkConsumerRunning();
        Assert.True(ring.TryMarkConsumerIdle(0));
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(8, out RingClaim claim));
        Assert.True(ring.Publish(claim));
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(8, out claim));
        Assert.False(ring.Publish(claim)); // the consumer is already being started
    }

    [Fact]
    public void TryMarkConsumerIdle_RecordAlreadyPublished_ConsumerMustContinue()
    {
        var ring = new MpscRing(256, RingFullPolicy.Reject);
        ring.MarkConsumerRunning();
        Assert.Equal(RingClaimStatus.Claimed, ring.TryClaim(8, out RingClaim claim));
        Assert.False(ring.Publish(claim));
        Assert.False(ring.TryMarkConsumerIdle(0));
    }

    /// <summary>
    /// Several producers, one consumer, a ring far smaller than the traffic (so it wraps and fills thousands of
    /// times): every record is seen exactly once, intact, and in each producer's order.
    /// </summary>
    [Theory]
    [InlineData(RingFullPolicy.Wait, 4)]
    [InlineData(RingFullPolicy.Reject, 4)]
    [InlineData(RingFullPolicy.Wait, 1)]
    public void Stress_ManyProducersOneConsumer_EveryRecordOnceIntactInProducerOrder(RingFullPolicy policy, int producers)
    {
        const int PerProducer = 50_000;
        var ring = new MpscRing(4096, policy);
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() => Produce(ring, producer, PerProducer)) { IsBackground = true };
            threads[p].Start();
        }

        int[] nextExpected = new int[producers];
        long total = 0;
        long position = 0;
        var spin = new SpinWait();
        while (total < (long)producers * PerProducer)
        {
            long start = position;
            while (ring.TryRead(position, out ReadOnlySpan<byte> payload, out long next))
            {
                int producer = BinaryPrimitives.ReadInt32LittleEndian(payload);
                int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
                Assert.Equal(nextExpected[producer], index);
                Assert.Equal(PayloadLength(producer, index), payload.Length);
                byte fill = (byte)(producer * 31 + index);
                Assert.True(payload[8..].IndexOfAnyExcept(fill) < 0, $"record {producer}/{index} is torn");
                nextExpected[producer]++;
                total++;
                position = next;
            }
            if (position == start)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            ring.Release(position);
        }
        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        }
        Assert.All(nextExpected, n => Assert.Equal(PerProducer, n));
        Assert.False(ring.TryRead(position, out _, out _));
    }

    private static int PayloadLength(int producer, int index) => 8 + ((producer * 7 + index) % 120);

    private static void Produce(MpscRing ring, int producer, int count)
    {
        var spin = new SpinWait();
        for (int i = 0; i < count; i++)
        {
            int length = PayloadLength(producer, i);
            RingClaim claim;
            while (ring.TryClaim(length, out claim) != RingClaimStatus.Claimed)
            {
                spin.SpinOnce(sleep1Threshold: -1); // Reject: the consumer frees space soon
            }
            Span<byte> payload = ring.GetPayload(claim);
            BinaryPrimitives.WriteInt32LittleEndian(payload, producer);
            BinaryPrimitives.WriteInt32LittleEndian(payload[4..], i);
            payload[8..].Fill((byte)(producer * 31 + i));
            ring.Publish(claim);
        }
    }
}
