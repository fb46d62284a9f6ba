using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Runnel.Protocol;
using Runnel.Security.Authentication;
using Runnel.Server.Audit;
using Runnel.Server.Operations;
using Runnel.Server.Security;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Metrics;

namespace Runnel.Server.Http;

/// <summary>
/// The whole HTTP surface, as one request delegate: <c>POST /</c> is the Kinesis API (X-Amz-Target dispatch to
/// <see cref="OperationRegistry"/>, body in the request's encoding, answer in the same), <c>GET /health</c> the
/// health check, <c>GET /metrics</c> the Prometheus metrics, <c>OPTIONS</c> the CORS preflight; anything else is a JSON 404 or 405. Every error leaves as the
/// Kinesis envelope <c>{"__type", "message"}</c> with <c>x-amzn-ErrorType</c>; no stack trace ever reaches a client.
/// Thread-safe: one instance serves every request.
/// </summary>
internal sealed class KinesisHttpHandler
{
    private const string UnknownOperation = "UnknownOperationException";
    private const string InternalFailure = "InternalFailureException";

    private readonly StreamEngine _engine;
    private readonly ILogger _logger;
    private readonly long _maxRequestBodyBytes;
    private readonly HealthReporter _health;
    private readonly CancellationToken _stopping;

    /// <summary>A handler over <paramref name="engine"/>; <paramref name="stopping"/> is signalled when the server begins
    /// to stop, and event streams then end normally so that shutdown does not wait for them.</summary>
    public KinesisHttpHandler(StreamEngine engine, ILogger logger, long maxRequestBodyBytes, CancellationToken stopping = default)
    {
        _engine = engine;
        _stopping = stopping;
        _logger = logger;
        _maxRequestBodyBytes = maxRequestBodyBytes;
        _health = new HealthReporter(engine);
    }

    /// <summary>With a verifier (<c>--auth sigv4</c>) every Kinesis request must be signed by a known principal;
    /// without (<c>--auth none</c>) nothing is checked.</summary>
    public SigV4Verifier? Verifier { get; init; }

    public Task InvokeAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        response.Headers[AwsHeaders.RequestId] = AwsHeaders.NewRequestId();
        response.Headers[AwsHeaders.ExtendedRequestId] = AwsHeaders.NewExtendedRequestId();
        if (request.Headers.Origin.Count > 0)
        {
            response.Headers.AccessControlAllowOrigin = "*";
            response.Headers.AccessControlExposeHeaders = AwsHeaders.ExposedHeaders;
        }
        string path = request.Path.Value ?? "/";
        if (path == "/health")
        {
            return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                ? _health.WriteAsync(context)
                : MethodNotAllowedAsync(context, "GET, HEAD");
        }
        if (path == "/metrics" && Metrics is not null)
        {
            // Open like /health, also with --auth sigv4 (a Prometheus scraper cannot sign); --allow-network applies.
            return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                ? WriteMetricsAsync(context, Metrics)
                : MethodNotAllowedAsync(context, "GET, HEAD");
        }
        if (HttpMethods.IsOptions(request.Method))
        {
            return PreflightAsync(context);
        }
        if (path is not ("/" or ""))
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, UnknownOperation,
                "Kinesis requests are POST / (and GET /health).", WireFormat.Json, KinesisTarget.JsonContentType);
        }
        return HttpMethods.IsPost(request.Method) ? AuditedKinesisAsync(context) : MethodNotAllowedAsync(context, "POST, OPTIONS");
    }

    /// <summary>The collector <c>GET /metrics</c> renders; null serves no /metrics.</summary>
    public PrometheusCollector? Metrics { get; init; }

    private static async Task WriteMetricsAsync(HttpContext context, PrometheusCollector metrics)
    {
        byte[] text = metrics.Scrape();
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PrometheusCollector.ContentType;
        response.ContentLength = text.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>IAM-style authorization of every request (with <c>--auth sigv4</c>); null authorizes nothing.</summary>
    public RequestAuthorizer? Authorizer { get; init; }

    /// <summary>Authorizes the verified principal (denied, as fail-closed, when authentication left none).</summary>
    private void Authorize(HttpContext context, string operation, RequestBody body)
    {
        if (context.Features.Get<Principal>() is not { } principal)
        {
            throw new KinesisException(KinesisErrorCode.AccessDenied, "The request was not authenticated.");
        }
        HttpRequest request = context.Request;
        Authorizer!.Authorize(new CallerIdentity(principal.Arn, principal.PolicyDocuments, context.Connection.RemoteIpAddress,
            request.IsHttps, request.Headers.UserAgent), operation, body);
    }

    // --- audit (begin) -----------------------------------------------------------------------------------------
    /// <summary>The audit trail's recorder; null when the trail is off.</summary>
    public AuditRecorder? Audit { get; init; }

    // The audit trail wraps the whole Kinesis pipeline: one record per POST /, whatever answered it (unknown
    // operation, bad body, authentication, authorization, throttling, the operation). Stages report into the
    // request's AuditCapture (AuditCapture.Of(context)); WriteErrorAsync records the error exactly as sent.
    private async Task AuditedKinesisAsync(HttpContext context)
    {
        if (Audit is null)
        {
            await HandleKinesisAsync(context).ConfigureAwait(false);
            return;
        }
        AuditCapture capture = AuditRecorder.Begin(context);
        try
        {
            await HandleKinesisAsync(context).ConfigureAwait(false);
        }
        finally
        {
            await Audit.CompleteAsync(context, capture).ConfigureAwait(false);
        }
    }
    // --- audit (end) -------------------------------------------------------------------------------------------

    private async Task HandleKinesisAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        WireFormat? requested = KinesisTarget.FormatOf(request.ContentType);
        if (requested is not { } format)
        {
            // kinesalite's answer (and AWS's, which it copied): 404 UnknownOperationException, in JSON.
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, UnknownOperation,
                $"Unsupported content type '{request.ContentType}': use {KinesisTarget.JsonContentType} or {KinesisTarget.CborContentType}.",
                WireFormat.Json, KinesisTarget.JsonContentType).ConfigureAwait(false);
            return;
        }
        string contentType = ResponseContentType(request.ContentType, format);
        if (Audit is not null)
        {
            SigV4Authorization.Remember(context); // the parsed Authorization header, for the audit trail (which parses it itself otherwise)
        }
        string? name = KinesisTarget.OperationOf(request.Headers[AwsHeaders.Target]);
        IOperation? operation = null;
        IStreamingOperation? streaming = null;
        if (name is null || (!OperationRegistry.TryGet(name, out operation!) && !OperationRegistry.TryGetStreaming(name, out streaming!)))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, UnknownOperation,
                name is null ? "The X-Amz-Target header does not name a Kinesis operation." : $"Unknown operation {name}.",
                format, contentType).ConfigureAwait(false);
            return;
        }
        CancellationToken aborted = context.RequestAborted;
        byte[]? buffer = null;
        try
        {
            (buffer, int length) = await RequestBodyReader.ReadAsync(request, _maxRequestBodyBytes, aborted).ConfigureAwait(false);
            ReadOnlySpan<byte> bytes = buffer.AsSpan(0, length);
            // --auth sigv4: after the body is read (its hash is signed), before anything decodes it.
            if (Verifier is not null && SigV4Authorization.Authenticate(context, Verifier, bytes) is { } refused)
            {
                await WriteErrorAsync(context, refused.StatusCode, refused.ErrorType, refused.Message, format, contentType).ConfigureAwait(false);
                return;
            }
            // JsonNode.Parse accepts invalid UTF-8 inside strings and fails only when a handler reads the string
            // (InvalidOperationException, a 500). Checked here at >10 GB/s until WireCodec.Decode checks it itself.
            if (format == WireFormat.Json && !Utf8.IsValid(bytes))
            {
                throw ProtocolException.Serialization("The request body is not valid UTF-8.");
            }
            if (format == WireFormat.Json && operation is IJsonOperation json && Audit is null && Authorizer is null)
            {
                await ExecuteJsonAsync(context, json, buffer, length, contentType).ConfigureAwait(false);
                return; // the buffer goes back to the pool in finally
            }
            RequestBody body = WireCodec.Decode(bytes, format);
            AuditCapture.Of(context)?.Decoded(body); // audit
            // --auth sigv4: the verified principal's identity policies and the resource's policy (AccessDeniedException).
            if (Authorizer is not null)
            {
                Authorize(context, name, body);
            }
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
            if (streaming is not null)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping);
                IAsyncEnumerable<StreamingEvent> events = await streaming.StartAsync(body, new OperationContext(_engine, linked.Token)).ConfigureAwait(false);
                if (Audit is not null && AuditCapture.Of(context) is { } started)
                {
                    await Audit.CompleteAsync(context, started).ConfigureAwait(false); // audit: recorded when the stream starts
                }
                await EventStreamWriter.WriteAsync(context, events, format, _logger, name, linked.Token).ConfigureAwait(false);
                return;
            }
            JsonObject result = await operation!.ExecuteAsync(body, new OperationContext(_engine, aborted)).ConfigureAwait(false);
            AuditCapture.Of(context)?.Answered(result); // audit
            byte[] encoded = WireCodec.Encode(result, format);
            HttpResponse response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.ContentLength = encoded.Length;
            await response.Body.WriteAsync(encoded, aborted).ConfigureAwait(false);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client went away (or the connection was aborted): there is no one to answer.
            AuditCapture.Of(context)?.Aborted(); // audit
        }
        catch (KinesisException e)
        {
            int status = e.Code == KinesisErrorCode.InternalFailure ? StatusCodes.Status500InternalServerError : StatusCodes.Status400BadRequest;
            if (e.Code == KinesisErrorCode.InternalFailure && e.InnerException is { } cause)
            {
                ServerLog.InternalFailure(_logger, cause, name); // e.g. corruption: the message names the file and byte
            }
            await WriteErrorAsync(context, status, e.ErrorType, e.Message, format, contentType).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.ErrorType, e.Message, format, contentType).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (body size, data rate) and RequestBodyReader's 413.
            string type = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "RequestEntityTooLargeException" : "SerializationException";
            await WriteErrorAsync(context, e.StatusCode, type, e.Message, format, contentType).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any other failure is the server's: a 500 with a fixed message, the details in the log.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ServerLog.OperationFailed(_logger, e, name);
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, InternalFailure,
                "An internal error occurred.", format, contentType).ConfigureAwait(false);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// The data plane's JSON fast path (<see cref="IJsonOperation"/>): the operation reads the body itself when it is
    /// in the usual shape (else it is decoded generically, with the same errors) and writes its answer with a
    /// <see cref="Utf8JsonWriter"/> into pooled chunks, sent once complete. Taken only without the audit trail and
    /// <c>--auth sigv4</c> authorization, which read the decoded <see cref="RequestBody"/> and the answer's structure.
    /// </summary>
    private async Task ExecuteJsonAsync(HttpContext context, IJsonOperation operation, byte[] body, int length, string contentType)
    {
        CancellationToken aborted = context.RequestAborted;
        var operationContext = new OperationContext(_engine, aborted);
        using var output = new PooledBufferWriter();
        await using (var writer = new Utf8JsonWriter(output))
        {
            if (!await operation.TryExecuteJsonAsync(body.AsMemory(0, length), operationContext, writer).ConfigureAwait(false))
            {
                RequestBody request = WireCodec.Decode(body.AsSpan(0, length), WireFormat.Json);
                await operation.ExecuteJsonAsync(request, operationContext, writer).ConfigureAwait(false);
            }
        }
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = output.WrittenCount;
        await output.CopyToAsync(response.BodyWriter, aborted).ConfigureAwait(false);
    }

    /// <summary>The response's content type: the request's own JSON flavour, or the CBOR type.</summary>
    private static string ResponseContentType(string? requestType, WireFormat format)
    {
        if (format == WireFormat.Cbor)
        {
            return KinesisTarget.CborContentType;
        }
        string? media = requestType?.Split(';')[0].Trim();
        return string.IsNullOrEmpty(media) ? KinesisTarget.JsonContentType : media;
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string message, WireFormat format, string contentType)
    {
        AuditCapture.Of(context)?.Failed(type, message); // audit
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            context.Abort(); // a half-written answer must not look complete
            return;
        }
        byte[] body = WireCodec.EncodeError(type, message, format);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers[AwsHeaders.ErrorType] = type;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, UnknownOperation,
            $"{context.Request.Method} is not allowed here; use {allowed}.", WireFormat.Json, KinesisTarget.JsonContentType);
    }

    /// <summary>The CORS preflight, answered as kinesalite and kinesis-mock do.</summary>
    private static Task PreflightAsync(HttpContext context)
    {
        IHeaderDictionary request = context.Request.Headers;
        IHeaderDictionary response = context.Response.Headers;
        response.AccessControlAllowOrigin = "*";
        response.AccessControlMaxAge = "172800";
        if (request.AccessControlRequestMethod.Count > 0)
        {
            response.AccessControlAllowMethods = request.AccessControlRequestMethod;
        }
        if (request.AccessControlRequestHeaders.Count > 0)
        {
            response.AccessControlAllowHeaders = request.AccessControlRequestHeaders;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
