using System.Text.Json.Nodes;
using Runnel.Protocol;

namespace Runnel.Server.Audit;

/// <summary>
/// What one API call's audit record needs, gathered while the request runs: the handler notes the decoded body,
/// the answer, or the error exactly as written to the client. Kept in <c>HttpContext.Features</c> so any stage of
/// the pipeline (authentication, authorization, the operation, the error writer) can reach it. One per request.
/// </summary>
internal sealed class AuditCapture
{
    /// <summary>The error code recorded when the client went away before any answer was written.</summary>
    public const string AbortedCode = "RequestAborted";

    private int _emitted;

    public AuditCapture(string? eventName) => EventName = eventName;

    public string? EventName { get; }

    public RequestBody? Request { get; private set; }

    public JsonObject? Response { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>The request's capture, or null when the audit trail is off.</summary>
    public static AuditCapture? Of(HttpContext context) => context.Features.Get<AuditCapture>();

    /// <summary>The body decoded (before the operation runs).</summary>
    public void Decoded(RequestBody body) => Request = body;

    /// <summary>The operation's answer.</summary>
    public void Answered(JsonObject response) => Response = response;

    /// <summary>The error envelope written to the client.</summary>
    public void Failed(string errorCode, string message)
    {
        ErrorCode = errorCode;
        ErrorMessage = message;
    }

    /// <summary>The client went away: recorded as such unless an answer or an error was already produced.</summary>
    public void Aborted()
    {
        if (Response is null && ErrorCode is null)
        {
            Failed(AbortedCode, "The client closed the connection before the answer was written.");
        }
    }

    /// <summary>True once: the record is emitted at most once (SubscribeToShard emits at the start of its stream).</summary>
    public bool TryMarkEmitted() => Interlocked.Exchange(ref _emitted, 1) == 0;
}
