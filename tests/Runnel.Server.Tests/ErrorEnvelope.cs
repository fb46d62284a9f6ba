using System.Net;
using System.Text.Json;

namespace Runnel.Server.Tests;

/// <summary>Asserts on a Kinesis error response: status, <c>__type</c>, a message, the header and the request ids.</summary>
public static class ErrorEnvelope
{
    public static async Task<string> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using JsonDocument document = JsonDocument.Parse(body);
        Assert.Equal(type, document.RootElement.GetProperty("__type").GetString());
        string message = document.RootElement.GetProperty("message").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // never a stack trace
        Assert.Equal(type, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("x-amzn-RequestId")), out _));
        Assert.Equal(72, Convert.FromBase64String(Assert.Single(response.Headers.GetValues("x-amz-id-2"))).Length);
        return message;
    }
}
