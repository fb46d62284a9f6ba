using Runnel.Storage.IoUring.Ring;

namespace Runnel.Storage.IoUring.Tests.Ring;

/// <summary>How a chain's completions are read, with the results the kernel rarely produces on demand.</summary>
public class CompletionCheckTests
{
    private static readonly IoRequest[] s_writeThenSync =
    [
        IoRequest.Write(3, 0x1000, 4096, 0, linked: true),
        IoRequest.DataSync(3),
    ];

    [Fact]
    public void Check_AllComplete_ReturnsCompleted()
    {
        Assert.Equal(IoOutcome.Completed, CompletionCheck.Check(s_writeThenSync, [4096, 0], out int failed, out int errno));
        Assert.Equal(-1, failed);
        Assert.Equal(0, errno);
    }

    [Fact]
    public void Check_ShortWriteThenCancelledSync_ReportsShortWrite()
    {
        Assert.Equal(IoOutcome.ShortTransfer, CompletionCheck.Check(s_writeThenSync, [1000, -125], out int failed, out _));
        Assert.Equal(0, failed);
    }

    [Fact]
    public void Check_FailedWriteThenCancelledSync_ReportsWriteErrno()
    {
        Assert.Equal(IoOutcome.Failed, CompletionCheck.Check(s_writeThenSync, [-28, -125], out int failed, out int errno));
        Assert.Equal(0, failed);
        Assert.Equal(28, errno);
        Assert.False(CompletionCheck.IsSync(s_writeThenSync, failed));
    }

    [Fact]
    public void Check_FullWriteThenFailedSync_ReportsSyncErrno()
    {
        Assert.Equal(IoOutcome.Failed, CompletionCheck.Check(s_writeThenSync, [4096, -5], out int failed, out int errno));
        Assert.Equal(1, failed);
        Assert.Equal(5, errno);
        Assert.True(CompletionCheck.IsSync(s_writeThenSync, failed));
    }

    [Fact]
    public void Check_ZeroByteWrite_IsShort()
    {
        Assert.Equal(IoOutcome.ShortTransfer, CompletionCheck.Check(s_writeThenSync, [0, -125], out _, out _));
    }
}
