using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace Runnel.Security.Audit;

/// <summary>
/// The durable audit trail: JSON lines (<see cref="AuditJson"/>) appended to <c>audit-yyyyMMdd-NNNNNN.jsonl</c>
/// files by one writer loop that group-commits (writes everything queued, then one <c>fdatasync</c>), rotates when a
/// file would pass <see cref="AuditTrailOptions.MaxFileBytes"/> or the UTC day changes, and keeps the newest
/// <see cref="AuditTrailOptions.KeepFiles"/> files.
/// </summary>
/// <remarks>
/// Policy when the disk is slower than the calls: the queue is bounded (<see cref="AuditTrailOptions.QueueCapacity"/>
/// records) and a call whose record finds it full waits (asynchronously) for room: memory stays bounded and no call
/// goes unrecorded, at the price of slowing callers to the disk's pace; a security trail must not drop silently.
/// When a write or sync fails, the trail stops writing (no retry of a failed fdatasync, as the shard logs), calls
/// <see cref="AuditTrailOptions.OnFailure"/> once, and from then on counts records as <see cref="Lost"/> without
/// blocking anyone. After a crash, the last line of the newest file may be torn: it is cut at the next start.
/// <see cref="DisposeAsync"/> writes and syncs everything queued. Thread-safe.
/// </remarks>
public sealed class AuditTrail : IAsyncDisposable
{
    /// <summary>The file name prefix.</summary>
    public const string FilePrefix = "audit-";

    /// <summary>The file name suffix.</summary>
    public const string FileSuffix = ".jsonl";

    private readonly IAuditFiles _files;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<Entry> _queue;
    private readonly Task _loop;
    private readonly SemaphoreSlim _disposeGate = new(1, 1);
    private IAuditFile? _current;
    private string? _currentName;
    private DateOnly _currentDay;
    private long _position;
    private long _sequence;
    private long _appended;
    private long _written;
    private long _lost;
    private volatile Exception? _failure;
    private bool _disposed;

    /// <summary>Opens the trail in <paramref name="files"/>, continuing today's newest file (its torn tail cut).</summary>
    public AuditTrail(IAuditFiles files, AuditTrailOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _files = files;
        _options = options;
        _time = time ?? TimeProvider.System;
        Recover();
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Records accepted by <see cref="AppendAsync"/>.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>Records written and synced.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records that could not be made durable (after a failure, or appended after disposal).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>The write or sync failure that stopped the trail, or null.</summary>
    public Exception? Failure => _failure;

    /// <summary>The name of the file being written, or null before the first record.</summary>
    public string? CurrentFile => _currentName;

    /// <summary>Queues a record; completes at once unless the queue is full, then when there is room.</summary>
    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
        => AppendLineAsync(AuditJson.ToLine(record), cancellationToken);

    /// <summary>Completes when every record appended before the call is durable; throws if the trail failed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Entry(null, done), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(AuditTrail));
        }
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes and syncs everything queued, then closes the file. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _queue.Writer.TryComplete();
            await _loop.ConfigureAwait(false);
            _current?.Dispose();
            _current = null;
        }
        finally
        {
            _disposeGate.Release();
        }
    }

    internal ValueTask AppendLineAsync(byte[] line, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _appended);
        if (_failure is not null)
        {
            Interlocked.Increment(ref _lost);
            return ValueTask.CompletedTask;
        }
        var entry = new Entry(line, null);
        return _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : WaitForRoomAsync(entry, cancellationToken);
    }

    private async ValueTask WaitForRoomAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            Interlocked.Increment(ref _lost);
            if (e is OperationCanceledException)
            {
                throw;
            }
        }
    }

    private async Task RunAsync()
    {
        ChannelReader<Entry> reader = _queue.Reader;
        var lines = new List<byte[]>();
        var flushes = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int bytes = 0;
            while (bytes < _options.MaxBatchBytes && reader.TryRead(out Entry entry))
            {
                if (entry.Flush is { } flush)
                {
                    flushes.Add(flush);
                }
                else
                {
                    lines.Add(entry.Line!);
                    bytes += entry.Line!.Length;
                }
            }
            if (lines.Count > 0)
            {
                if (_failure is null)
                {
                    try
                    {
                        WriteBatch(lines);
                        Interlocked.Add(ref _written, lines.Count);
                    }
#pragma warning disable CA1031 // any I/O failure stops the trail; it is reported through OnFailure and Failure.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        Fail(e);
                        Interlocked.Add(ref _lost, lines.Count);
                    }
                }
                else
                {
                    Interlocked.Add(ref _lost, lines.Count);
                }
                lines.Clear();
            }
            foreach (TaskCompletionSource flush in flushes)
            {
                if (_failure is { } failure)
                {
                    flush.TrySetException(new IOException("The audit trail stopped after a write failure.", failure));
                }
                else
                {
                    flush.TrySetResult();
                }
            }
            flushes.Clear();
        }
    }

    private void Fail(Exception e)
    {
        _failure = e;
        try
        {
            _current?.Dispose();
        }
#pragma warning disable CA1031 // the file is already failed; closing it is best effort.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        _current = null;
        _options.OnFailure?.Invoke(e);
    }

    /// <summary>Writes the lines, rotating between lines as needed, and syncs every file written.</summary>
    private void WriteBatch(List<byte[]> lines)
    {
        var pending = new ArrayBufferWriter<byte>();
        foreach (byte[] line in lines)
        {
            DateOnly today = Today();
            bool full = _position + pending.WrittenCount > 0 && _position + pending.WrittenCount + line.Length > _options.MaxFileBytes;
            if (_current is null || today != _currentDay || full)
            {
                WritePending(pending);
                Rotate(today);
            }
            pending.Write(line);
        }
        WritePending(pending);
    }

    private void WritePending(ArrayBufferWriter<byte> pending)
    {
        if (pending.WrittenCount == 0 || _current is null)
        {
            return;
        }
        _current.Write(_position, pending.WrittenSpan);
        _current.Sync();
        _position += pending.WrittenCount;
        pending.ResetWrittenCount();
    }

    private void Rotate(DateOnly today)
    {
        _current?.Dispose();
        _current = null;
        _sequence++;
        string name = NameOf(today, _sequence);
        _current = _files.OpenOrCreate(name);
        _currentName = name;
        _currentDay = today;
        _position = _current.Length;
        _files.SyncDirectory();
        ApplyRetention();
    }

    private void ApplyRetention()
    {
        List<(string Name, long Sequence)> existing = ListTrailFiles();
        if (existing.Count <= _options.KeepFiles)
        {
            return;
        }
        foreach ((string name, _) in existing.Take(existing.Count - _options.KeepFiles))
        {
            _files.Delete(name);
        }
        _files.SyncDirectory();
    }

    /// <summary>
    /// Repairs the newest file (the only one that can hold unsynced writes: a file is synced before the next one is
    /// created) by cutting it after its last complete, well-formed line; continues it when it is today's.
    /// </summary>
    private void Recover()
    {
        List<(string Name, long Sequence)> existing = ListTrailFiles();
        if (existing.Count == 0)
        {
            return;
        }
        (string newest, long sequence) = existing[^1];
        _sequence = sequence;
        IAuditFile file = _files.OpenOrCreate(newest);
        try
        {
            long length = file.Length;
            long end = EndOfValidLines(file, length);
            if (end != length)
            {
                file.SetLength(end);
                file.Sync();
            }
            if (!TryParse(newest, out DateOnly day, out _) || day != Today() || end >= _options.MaxFileBytes)
            {
                file.Dispose();
                return;
            }
            _current = file;
            _currentName = newest;
            _currentDay = day;
            _position = end;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The length of the file's longest prefix of whole lines that are each one JSON object. A power loss can leave
    /// the unsynced tail torn anywhere, with lost sectors read back as zeros between surviving ones, so every line is
    /// checked and the file is cut at the first bad one: lines after it were never synced, hence never flushed.
    /// </summary>
    internal static long EndOfValidLines(IAuditFile file, long length)
    {
        byte[] content = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = file.Read(read, content.AsSpan(read));
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        ReadOnlySpan<byte> rest = content.AsSpan(0, read);
        long valid = 0;
        while (!rest.IsEmpty)
        {
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0 || !IsJsonObject(rest[..newline]))
            {
                break;
            }
            valid += newline + 1;
            rest = rest[(newline + 1)..];
        }
        return valid;
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] != (byte)'{')
        {
            return false;
        }
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    return reader.BytesConsumed == line.Length;
                }
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private List<(string Name, long Sequence)> ListTrailFiles()
    {
        var found = new List<(string, long)>();
        foreach (string name in _files.List())
        {
            if (TryParse(name, out _, out long sequence))
            {
                found.Add((name, sequence));
            }
        }
        found.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return found;
    }

    private DateOnly Today() => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>The file name for a day and sequence: <c>audit-20261126-000042.jsonl</c>.</summary>
    public static string NameOf(DateOnly day, long sequence)
        => string.Create(CultureInfo.InvariantCulture, $"{FilePrefix}{day:yyyyMMdd}-{sequence:D6}{FileSuffix}");

    /// <summary>Parses a name of <see cref="NameOf"/>.</summary>
    public static bool TryParse(string name, out DateOnly day, out long sequence)
    {
        ArgumentNullException.ThrowIfNull(name);
        day = default;
        sequence = 0;
        if (!name.StartsWith(FilePrefix, StringComparison.Ordinal) || !name.EndsWith(FileSuffix, StringComparison.Ordinal))
        {
            return false;
        }
        string middle = name[FilePrefix.Length..^FileSuffix.Length];
        int dash = middle.IndexOf('-', StringComparison.Ordinal);
        return dash == 8
            && DateOnly.TryParseExact(middle[..dash], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
            && long.TryParse(middle[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private readonly record struct Entry(byte[]? Line, TaskCompletionSource? Flush);
}
