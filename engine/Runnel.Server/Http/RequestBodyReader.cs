using System.Buffers;

namespace Runnel.Server.Http;

/// <summary>
/// Reads a whole request body into a pooled buffer, refusing bodies over the limit with HTTP 413 (as a
/// <see cref="BadHttpRequestException"/>, the same exception Kestrel throws for its own limit). Stateless.
/// </summary>
internal static class RequestBodyReader
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>The body, in a buffer rented from <see cref="ArrayPool{T}.Shared"/> that the caller returns.</summary>
    public static async ValueTask<(byte[] Buffer, int Length)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(declared.Value, limit);
        }
        // One byte more than declared (or the limit) so that the end of the body is seen without a second buffer.
        long first = declared is { } d ? Math.Min(d + 1, limit + 1) : Math.Min(InitialBufferBytes, limit + 1);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)first);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(length, limit);
                    }
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }
                length += read;
                if (length > limit)
                {
                    throw TooLarge(length, limit);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static BadHttpRequestException TooLarge(long size, long limit)
        => new($"The request body ({size} bytes or more) exceeds the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}
