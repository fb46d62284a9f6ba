using Runnel.Storage.Io;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Streams.Tests;

/// <summary>
/// A shard log that fail-stops is reported once through <see cref="StreamsOptions.StorageFailed"/>, naming the shard's
/// directory and the file (found by the disk-faults harness: the fail-stop used to leave no trace in the server's log).
/// </summary>
public class StorageFailureTests
{
    private static readonly StreamRef s_orders = StreamRef.Named("orders");

    [Fact]
    public async Task PutRecord_FdatasyncFails_ReportsTheFailureOnceWithShardDirectoryAndFile()
    {
        var reports = new List<StorageFailure>();
        var storage = new MemoryStreamStorage(static () => new FaultInjectingDevice());
        using StreamEngine engine = StreamEngine.Open(EngineFixture.NoDelays with { StorageFailed = reports.Add }, storage);
        engine.CreateStream("orders", shardCount: 1);
        await engine.PutRecordAsync(s_orders, "before"u8.ToArray(), "k");
        (string directory, IStorageDevice device) = storage.Devices.Single(d => d.Key.Contains("/shard-", StringComparison.Ordinal));
        ((FaultInjectingDevice)device).FailNextSync = true;

        KinesisException first = await Assert.ThrowsAsync<KinesisException>(async () => await engine.PutRecordAsync(s_orders, "lost"u8.ToArray(), "k"));
        KinesisException second = await Assert.ThrowsAsync<KinesisException>(async () => await engine.PutRecordAsync(s_orders, "after"u8.ToArray(), "k"));

        Assert.Equal(KinesisErrorCode.InternalFailure, first.Code);
        Assert.Equal(KinesisErrorCode.InternalFailure, second.Code);
        StorageFailure report = Assert.Single(reports);
        Assert.Equal("orders", report.StreamName);
        Assert.Equal("shardId-000000000000", report.ShardId);
        Assert.Equal(directory, report.Directory);
        Assert.Contains(report.FileName, device.ListFiles());
        Assert.Equal(FaultInjectingDevice.Eio, report.Errno);
    }

    [Fact]
    public async Task PutRecords_WriteFailsWithEnospc_ReportsTheFailureWithErrnoAndRefusesEveryEntry()
    {
        var reports = new List<StorageFailure>();
        var storage = new MemoryStreamStorage(static () => new FaultInjectingDevice());
        using StreamEngine engine = StreamEngine.Open(EngineFixture.NoDelays with { StorageFailed = reports.Add }, storage);
        engine.CreateStream("orders", shardCount: 1);
        await engine.PutRecordAsync(s_orders, "before"u8.ToArray(), "k");
        IStorageDevice device = storage.Devices.Single(d => d.Key.Contains("/shard-", StringComparison.Ordinal)).Value;
        ((FaultInjectingDevice)device).FailNextWriteWith = FaultInjectingDevice.Enospc;

        PutRecordsResult result = await engine.PutRecordsAsync(s_orders, [new PutRecordsEntry("a"u8.ToArray(), "k"), new PutRecordsEntry("b"u8.ToArray(), "k")]);

        Assert.Equal(2, result.FailedRecordCount);
        Assert.All(result.Records, r => Assert.Equal("InternalFailure", r.ErrorCode));
        StorageFailure report = Assert.Single(reports);
        Assert.Equal(FaultInjectingDevice.Enospc, report.Errno);
        Assert.NotNull(report.FileName);
    }
}
