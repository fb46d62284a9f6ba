using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Runnel.Protocol;
using Runnel.Security.Audit;
using Runnel.Security.Authentication;
using Runnel.Server.Http;

namespace Runnel.Server.Audit;

/// <summary>
/// Turns each Kinesis call (<c>POST /</c>) into one <see cref="AuditRecord"/> on the <see cref="AuditTrail"/>:
/// <see cref="Begin"/> when the request arrives, <see cref="CompleteAsync"/> when it ends (or, for SubscribeToShard,
/// when its event stream starts). Thread-safe.
/// </summary>
internal sealed class AuditRecorder
{
    private readonly AuditTrail _trail;
    private readonly string _region;
    private readonly string _accountId;
    private readonly TimeProvider _time;

    public AuditRecorder(AuditTrail trail, string region, string accountId, TimeProvider? time = null)
    {
        _trail = trail;
        _region = region;
        _accountId = accountId;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Starts the capture of a request and puts it in the request's features.</summary>
    public static AuditCapture Begin(HttpContext context)
    {
        var capture = new AuditCapture(KinesisTarget.OperationOf(context.Request.Headers[AwsHeaders.Target]));
        context.Features.Set(capture);
        return capture;
    }

    /// <summary>Appends the request's record (once); waits only when the trail's queue is full.</summary>
    public ValueTask CompleteAsync(HttpContext context, AuditCapture capture)
    {
        if (!capture.TryMarkEmitted())
        {
            return ValueTask.CompletedTask;
        }
        var record = new AuditRecord
        {
            EventTime = _time.GetUtcNow(),
            EventName = capture.EventName,
            AwsRegion = _region,
            RecipientAccountId = _accountId,
            SourceIpAddress = SourceAddressOf(context.Connection.RemoteIpAddress),
            UserAgent = context.Request.Headers.UserAgent.Count > 0 ? context.Request.Headers.UserAgent.ToString() : null,
            UserIdentity = IdentityOf(context, _accountId),
            RequestParameters = AuditRedaction.RequestParameters(capture.Request?.Members),
            ResponseElements = capture.ErrorCode is null ? AuditRedaction.ResponseElements(capture.EventName, capture.Response) : null,
            ErrorCode = capture.ErrorCode,
            ErrorMessage = capture.ErrorMessage,
            RequestId = context.Response.Headers[AwsHeaders.RequestId].ToString(),
            EventId = Guid.NewGuid(),
            TlsDetails = TlsDetailsOf(context),
        };
        // Not the request's token: a record is written even when the client has gone.
        return _trail.AppendAsync(record, CancellationToken.None);
    }

    /// <summary>
    /// Who called. The one place that reads the caller's identity: the authenticated <see cref="Principal"/> with
    /// <c>--auth sigv4</c>; otherwise (and for a request refused before it was verified) the access key id of the
    /// SigV4 <c>Authorization</c> header or of a presigned URL, unverified.
    /// </summary>
    internal static AuditUserIdentity IdentityOf(HttpContext context, string accountId)
    {
        if (context.Features.Get<Principal>() is { } principal)
        {
            return AuditUserIdentity.Authenticated(principal.AccessKeyId, principal.Arn, principal.AccountId);
        }
        SigV4AuthorizationHeader? authorization = context.Features.Get<SigV4AuthorizationHeader>();
        if (authorization is null && context.Request.Headers.Authorization is [string header, ..])
        {
            _ = SigV4AuthorizationHeader.TryParse(header, out authorization);
        }
        if (authorization is not null)
        {
            return AuditUserIdentity.Unverified(authorization.Credential.AccessKeyId, accountId);
        }
        string? credential = context.Request.Query["X-Amz-Credential"];
        if (credential is not null && credential.IndexOf('/', StringComparison.Ordinal) is > 0 and int slash)
        {
            return AuditUserIdentity.Unverified(credential[..slash], accountId);
        }
        return AuditUserIdentity.Anonymous;
    }

    /// <summary>The client address, IPv4-mapped IPv6 shown as IPv4 (as CloudTrail shows it).</summary>
    internal static string? SourceAddressOf(IPAddress? address)
        => address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static AuditTlsDetails? TlsDetailsOf(HttpContext context)
    {
        if (context.Features.Get<ITlsHandshakeFeature>() is not { } tls)
        {
            return null;
        }
#pragma warning disable SYSLIB0039, CA5397, CA5398 // naming old protocols is what an audit must be able to do.
        string version = tls.Protocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            _ => tls.Protocol.ToString(),
        };
#pragma warning restore SYSLIB0039, CA5397, CA5398
        string host = context.Request.Host.HasValue ? context.Request.Host.Value! : "";
        return new AuditTlsDetails(version, tls.NegotiatedCipherSuite?.ToString() ?? "", host.Length > 0 ? host : null);
    }
}
