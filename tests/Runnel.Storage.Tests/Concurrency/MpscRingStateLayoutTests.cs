using System.Runtime.CompilerServices;
using Runnel.Storage.Concurrency;

namespace Runnel.Storage.Tests.Concurrency;

/// <summary>STYLE.md section 6: every padded struct's field offsets and total size.</summary>
public class MpscRingStateLayoutTests
{
    [Fact]
    public void Layout_EachCounterOnItsOwnCacheLine_PadLineAtBothEnds()
    {
        var state = new MpscRingState();
        ref byte start = ref Unsafe.As<MpscRingState, byte>(ref state);

        Assert.Equal(64, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<long, byte>(ref state.Tail)));
        Assert.Equal(128, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<long, byte>(ref state.HeadCache)));
        Assert.Equal(192, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<long, byte>(ref state.Head)));
        Assert.Equal(256, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<int, byte>(ref state.ConsumerIdle)));
        Assert.Equal(320, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<int, byte>(ref state.WaitingProducers)));
        Assert.Equal(448, Unsafe.SizeOf<MpscRingState>());
    }

    [Fact]
    public void Layout_LastCounterEndsAtLeastOneCacheLineBeforeTheEnd()
    {
        Assert.True(Unsafe.SizeOf<MpscRingState>() - (MpscRingState.WaitingProducersOffset + sizeof(int)) >= MpscRingState.CacheLine);
        Assert.True(MpscRingState.TailOffset >= MpscRingState.CacheLine);
    }
}
