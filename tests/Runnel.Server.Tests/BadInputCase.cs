using System.Net;

namespace Runnel.Server.Tests;

/// <summary>
/// One row of the bad-input table: a raw request (method, path, X-Amz-Target, content type, body) and the exact
/// answer expected (status, <c>__type</c>, and the message where AWS's wording fixes it). Bodies may hold the
/// placeholders <c>$ITER$</c>, <c>$ITER_TRUNCATED$</c>, <c>$ITER_TAMPERED$</c> and <c>$ITER_SHORTENED$</c>, filled in
/// with iterators the test obtains on <see cref="BadInputCases.Stream"/>.
/// </summary>
public sealed record BadInputCase(string Name, string? Target, string? ContentType, byte[] Body, HttpStatusCode Status, string Type, string? Message = null)
{
    /// <summary>The HTTP method; POST unless the row is about the method.</summary>
    public string Method { get; init; } = "POST";

    /// <summary>The request path; <c>/</c> unless the row is about the path.</summary>
    public string Path { get; init; } = "/";

    /// <summary>Sends <c>Expect: 100-continue</c>, so a body the server refuses up front is never sent.</summary>
    public bool ExpectContinue { get; init; }

    /// <summary>Whether the answer is in CBOR (the request's encoding) rather than JSON.</summary>
    public bool CborAnswer => ContentType == BadInputCases.Cbor && Status == HttpStatusCode.BadRequest;

    public override string ToString() => Name;
}
