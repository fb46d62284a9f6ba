using System.Net;
using Microsoft.AspNetCore.Connections;
using Runnel.Server.Audit;

namespace Runnel.Server.Network;

/// <summary>
/// The allow-list of client networks, applied as Kestrel connection middleware ahead of TLS and HTTP: a connection
/// whose remote address is in no allowed network is closed before any byte is read, counted and logged (the first
/// refusal, then at most one line per second). An empty list allows everyone. Thread-safe.
/// </summary>
public sealed class ClientNetworkFilter
{
    private readonly IpNetwork[] _allowed;
    private readonly TimeProvider _time;
    private long _refused;
    private long _lastLogTicks = long.MinValue;

    /// <summary>A filter over the given networks (parsed with <see cref="IpNetwork.Parse"/>).</summary>
    public ClientNetworkFilter(IEnumerable<string> allowed, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _allowed = allowed.Select(IpNetwork.Parse).ToArray();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Where refusals are logged (set once the host's logging exists).</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Whether any network is configured (otherwise the middleware is not installed).</summary>
    public bool IsActive => _allowed.Length > 0;

    /// <summary>Connections refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Whether a client at <paramref name="address"/> may connect.</summary>
    public bool Allows(IPAddress? address) => _allowed.Length == 0 || _allowed.Any(n => n.Contains(address));

    /// <summary>The connection middleware (install first, before TLS).</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        IPAddress? remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!Allows(remote))
        {
            long count = Interlocked.Increment(ref _refused);
            long now = _time.GetTimestamp();
            long last = Interlocked.Read(ref _lastLogTicks);
            if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1))
                && Interlocked.CompareExchange(ref _lastLogTicks, now, last) == last)
            {
                SecurityLog.ConnectionRefused(Logger, remote?.ToString() ?? "unknown", count);
            }
            connection.Abort(new ConnectionAbortedException("The client's network is not allowed."));
            return;
        }
        await next(connection).ConfigureAwait(false);
    };
}
