using Runnel.Storage.Framing;
using Runnel.Storage.Log;
using Runnel.Testing;

namespace Runnel.Storage.Tests;

/// <summary>Reads a whole log into models (test helper).</summary>
internal static class LogReading
{
    public static List<RecordModel> ReadAll(ShardLog log, LogCursor? start = null, int bufferSize = 64 * 1024, int maxRecords = 1000)
    {
        var records = new List<RecordModel>();
        LogCursor cursor = start ?? log.TrimHorizon();
        byte[] buffer = new byte[bufferSize];
        while (true)
        {
            ReadResult result = log.Read(ref cursor, buffer, maxRecords);
            if (result.Status == ReadStatus.BufferTooSmall)
            {
                buffer = new byte[result.RequiredBufferLength];
                continue;
            }
            var reader = new FrameReader(buffer.AsSpan(0, result.Bytes));
            int count = 0;
            while (reader.TryNext(out RecordFrame frame))
            {
                records.Add(new RecordModel(frame.Sequence, frame.TimestampMs, frame.PartitionKey.ToArray(),
                    frame.ExplicitHashKey?.Value, frame.Data.ToArray()));
                count++;
            }
            Assert.Equal(result.Records, count);
            if (result.Status == ReadStatus.Tip)
            {
                return records;
            }
        }
    }
}
