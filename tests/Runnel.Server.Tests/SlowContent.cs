using System.Net;
using System.Text;

namespace Runnel.Server.Tests;

/// <summary>A JSON body (<c>{"Pad":"xxx..."}</c>) that sends its first half, then waits for <see cref="Release"/>.</summary>
public sealed class SlowContent(int padding) : HttpContent
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        byte[] body = Encoding.ASCII.GetBytes("{\"Pad\":\"" + new string('x', padding) + "\"}");
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await stream.FlushAsync();
        Started.TrySetResult();
        await Release.Task;
        await stream.WriteAsync(body.AsMemory(body.Length / 2));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = padding + 10;
        return true;
    }
}
