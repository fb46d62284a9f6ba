using Runnel.Protocol.EventStream;

namespace Runnel.Server.Tests;

/// <summary>Reads event-stream messages off a response body as they arrive, with a deadline per message.</summary>
internal sealed class MessageReader(Stream body)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;

    /// <summary>The next message; fails when the stream ends first or nothing arrives in time.</summary>
    public async Task<EventStreamMessage> NextAsync()
        => await TryNextAsync() ?? throw new InvalidOperationException("The event stream ended.");

    /// <summary>The next message, or null when the stream ends cleanly between messages.</summary>
    public async Task<EventStreamMessage?> TryNextAsync()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        while (true)
        {
            if (EventStreamDecoder.TryDecode(_buffer.AsSpan(0, _length), out EventStreamMessage? message, out int consumed))
            {
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _length - consumed);
                _length -= consumed;
                return message;
            }
            if (_length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            int read = await body.ReadAsync(_buffer.AsMemory(_length), timeout.Token);
            if (read == 0)
            {
                return _length == 0 ? null : throw new InvalidDataException($"The stream ended inside a message ({_length} bytes).");
            }
            _length += read;
        }
    }
}
