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

    /// <summary>The largest total size of a request's headers (SigV4 headers are long; Kestrel's default is 32 KiB).</summary>
    public int MaxRequestHeadersBytes { get; init; } = 64 * 1024;

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
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero, nameof(RequestHeadersTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero, nameof(KeepAliveTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MinRequestBodyBytesPerSecond, nameof(MinRequestBodyBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(MinResponseBytesPerSecond, nameof(MinResponseBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHttp2StreamsPerConnection);
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
    }
}
