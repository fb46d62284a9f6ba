namespace Runnel.Server;

/// <summary>
/// The transport's explicit limits and timeouts (Kestrel's are set from these, never left implicit).
/// </summary>
public sealed record TransportLimits
{
    /// <summary>
    /// The largest request body. PutRecords may carry 10 MiB of data, which is 13.4 MiB as base64 plus the JSON
    /// around 500 records (kinesis-api.md 1.7), so the default is 16 MiB. Larger bodies get HTTP 413.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// The largest total size of a request's headers; larger gets HTTP 431. Kestrel's default, 32 KiB: a SigV4 request
    /// with a session token carries about 2 KiB, and reliability-security.md 3.6 expects 431 for 40 KB of headers (the
    /// earlier 64 KiB let them through, found by the harness's <c>hostile</c> scenario). Also bounds one HTTP/2 header field.
    /// </summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>The largest number of request headers; more gets HTTP 431 (Kestrel's default, 100).</summary>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>The longest HTTP/1.1 request line; longer gets HTTP 414 (Kestrel's default, 8 KiB; Kinesis requests are <c>POST /</c>).</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>
    /// The most connections open at once per port (null: no limit); Kestrel closes a connection over the limit as soon as
    /// it is accepted. 10,000 bounds the descriptors and buffers a flood of idle connections can hold.
    /// </summary>
    public long? MaxConcurrentConnections { get; init; } = 10_000;

    /// <summary>How long a client may take to send a request's headers (also bounds the HTTP/2 preface sniff).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The slowest request body accepted (bytes per second, after <see cref="MinDataRateGracePeriod"/>); slower clients are cut off.</summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>The slowest reader of a response accepted (bytes per second, after the grace period).</summary>
    public double MinResponseBytesPerSecond { get; init; } = 240;

    /// <summary>The grace period before the data-rate minimums apply.</summary>
    public TimeSpan MinDataRateGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent HTTP/2 streams per connection.</summary>
    public int MaxHttp2StreamsPerConnection { get; init; } = 100;

    /// <summary>How long a stop waits for requests in flight to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBodyBytes, 1024, nameof(MaxRequestBodyBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRequestBodyBytes, (long)Array.MaxLength, nameof(MaxRequestBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestHeadersBytes, 1024, nameof(MaxRequestHeadersBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestHeaderCount, 1, nameof(MaxRequestHeaderCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestLineBytes, 64, nameof(MaxRequestLineBytes));
        if (MaxConcurrentConnections is { } connections)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections, nameof(MaxConcurrentConnections));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero, nameof(RequestHeadersTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero, nameof(KeepAliveTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MinRequestBodyBytesPerSecond, nameof(MinRequestBodyBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(MinResponseBytesPerSecond, nameof(MinResponseBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHttp2StreamsPerConnection);
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
    }
}
