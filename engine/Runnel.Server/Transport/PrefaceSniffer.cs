using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Runnel.Server.Transport;

/// <summary>
/// Serves HTTP/1.1 and cleartext HTTP/2 with prior knowledge on one port. Kestrel picks HTTP/1.1 on every cleartext
/// <c>Http1AndHttp2</c> endpoint (dotnet/aspnetcore#56984), while the JS SDK v3 and the Java async SDK open h2c
/// connections with the 24-byte preface directly. This connection middleware peeks at the first bytes without
/// consuming them; when they are the preface it sets the TLS and ALPN features Kestrel's protocol selection reads
/// (<see cref="CleartextHttp2Features"/>), so the connection is served as HTTP/2. Verified on ASP.NET Core 10
/// (DESIGN.md, Transport). Stateless; one call per connection.
/// </summary>
/// <remarks>
/// A connection that has not sent enough to decide (nothing, or a prefix of the preface) within the request-headers
/// timeout is closed here: handed to Kestrel it would get Kestrel's keep-alive timeout on top (an idle connection
/// before its first request), so a silent or half-open client would live for the sum of both (found by the harness's
/// <c>hostile</c> scenario). An h2c request then looks like HTTPS to the application (<c>Request.IsHttps</c>);
/// nothing here depends on it.
/// </remarks>
internal static class PrefaceSniffer
{
    /// <summary>The HTTP/2 client connection preface (RFC 9113 section 3.4).</summary>
    internal static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>What the first bytes of a connection say.</summary>
    internal enum Verdict
    {
        NeedMore,
        Http2,
        NotHttp2,

        /// <summary>The timeout passed before the first bytes decided (nothing or a prefix of the preface received).</summary>
        TimedOut,
    }

    /// <summary>The middleware for <c>ListenOptions.Use</c>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(TimeSpan timeout)
        => next => async connection =>
        {
            Verdict verdict = await SniffAsync(connection.Transport.Input, timeout).ConfigureAwait(false);
            if (verdict == Verdict.TimedOut)
            {
                connection.Abort(new ConnectionAbortedException("No request within the request-headers timeout."));
                return;
            }
            if (verdict == Verdict.Http2)
            {
                connection.Features.Set<ITlsConnectionFeature>(CleartextHttp2Features.Instance);
                connection.Features.Set<ITlsApplicationProtocolFeature>(CleartextHttp2Features.Instance);
            }
            await next(connection).ConfigureAwait(false);
        };

    /// <summary>Whether the connection starts with the preface. Consumes nothing: Kestrel reads the same bytes next.</summary>
    internal static async ValueTask<bool> IsHttp2PrefaceAsync(PipeReader input, TimeSpan timeout)
        => await SniffAsync(input, timeout).ConfigureAwait(false) == Verdict.Http2;

    /// <summary>
    /// What the first bytes say: <see cref="Verdict.Http2"/>, <see cref="Verdict.NotHttp2"/> (also for a connection that
    /// closes before deciding), or <see cref="Verdict.TimedOut"/>. Consumes nothing: Kestrel reads the same bytes next.
    /// </summary>
    internal static async ValueTask<Verdict> SniffAsync(PipeReader input, TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        using CancellationTokenRegistration registration = expiry.Token.UnsafeRegister(
            static state => ((PipeReader)state!).CancelPendingRead(), input);
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            Verdict verdict = Inspect(buffer);
            if (verdict != Verdict.NeedMore || result.IsCompleted || result.IsCanceled)
            {
                // Examined nothing: Kestrel's first read must see these bytes as new and not wait for more.
                input.AdvanceTo(buffer.Start);
                return verdict != Verdict.NeedMore ? verdict
                    : result.IsCanceled && !result.IsCompleted ? Verdict.TimedOut
                    : Verdict.NotHttp2;
            }
            // Everything examined, nothing consumed: the next read waits for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Compares the bytes received so far with the preface.</summary>
    internal static Verdict Inspect(ReadOnlySequence<byte> received)
    {
        ReadOnlySpan<byte> preface = Preface;
        int length = (int)Math.Min(received.Length, preface.Length);
        Span<byte> head = stackalloc byte[24];
        received.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(preface[..length]))
        {
            return Verdict.NotHttp2;
        }
        return length == preface.Length ? Verdict.Http2 : Verdict.NeedMore;
    }
}
