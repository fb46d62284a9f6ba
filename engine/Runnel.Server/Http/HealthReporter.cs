using System.Buffers;
using System.Text.Json;
using Runnel.Streams;

namespace Runnel.Server.Http;

/// <summary><c>GET /health</c>: <c>{"status":"ok","streams":n}</c>. Thread-safe.</summary>
internal sealed class HealthReporter(StreamEngine engine)
{
    public async Task WriteAsync(HttpContext context)
    {
        int streams = engine.StreamCount;
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "ok");
            writer.WriteNumber("streams", streams);
            writer.WriteEndObject();
        }
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
