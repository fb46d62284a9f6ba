using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

/// <summary>
/// A one-byte change to any signed element of a signed request is rejected: method, path, query, each signed
/// header, body, date, credential scope, signed-header list, signature. Checked on a fixed request (one test per
/// element) and on random requests signed by <see cref="ReferenceSigner"/> (accepted as signed, rejected after any
/// single mutation).
/// </summary>
public class SigV4MutationTests
{
    private static TestRequest Signed() => ReferenceSigner.Sign(SigV4VerifierTests.Kinesis() with
    {
        Path = "/streams/orders",
        Query = [("Limit", "10"), ("Next", "abc def")],
    });

    private static void AssertRejected(TestRequest request, string type)
    {
        AuthenticationResult result = SigV4VerifierTests.Verify(request);
        Assert.False(result.Succeeded, "a mutated request was accepted");
        Assert.Equal(type, result.Error!.ErrorType);
    }

    private static string Flip(string text, int index)
        => string.Concat(text.AsSpan(0, index), text[index] == 'a' ? "b" : "a", text.AsSpan(index + 1));

    private static string AuthorizationOf(TestRequest r) => r.Headers.First(h => h.Name == "Authorization").Value;

    [Fact]
    public void Verify_Unmutated_Accepted()
        => Assert.True(SigV4VerifierTests.Verify(Signed()).Succeeded);

    [Fact]
    public void Verify_MethodChanged_Rejected()
        => AssertRejected(Signed() with { Method = "POSU" }, AuthenticationError.InvalidSignature);

    [Fact]
    public void Verify_PathChanged_Rejected()
        => AssertRejected(Signed() with { Path = "/streams/ordert" }, AuthenticationError.InvalidSignature);

    [Fact]
    public void Verify_QueryValueChanged_Rejected()
        => AssertRejected(Signed() with { Query = [("Limit", "11"), ("Next", "abc def")] }, AuthenticationError.InvalidSignature);

    [Fact]
    public void Verify_QueryNameChanged_Rejected()
        => AssertRejected(Signed() with { Query = [("Limit", "10"), ("Nexu", "abc def")] }, AuthenticationError.InvalidSignature);

    [Theory]
    [InlineData("Host")]
    [InlineData("Content-Type")]
    [InlineData("X-Amz-Target")]
    public void Verify_SignedHeaderChanged_Rejected(string name)
    {
        TestRequest signed = Signed();
        string value = signed.Headers.First(h => h.Name == name).Value;
        AssertRejected(signed.WithHeader(name, Flip(value, value.Length - 1)), AuthenticationError.InvalidSignature);
    }

    [Fact]
    public void Verify_DateChangedBySecond_Rejected()
        => AssertRejected(Signed().WithHeader("X-Amz-Date", SigV4VerifierTests.AmzDate(SigV4VerifierTests.Now.AddSeconds(1))), AuthenticationError.InvalidSignature);

    [Fact]
    public void Verify_BodyByteChanged_Rejected()
    {
        TestRequest signed = Signed();
        byte[] body = [.. signed.Body];
        body[5] ^= 1;
        AssertRejected(signed with { Body = body }, AuthenticationError.InvalidSignature);
    }

    [Theory]
    [InlineData("/20261126/", "/20261127/")]
    [InlineData("/us-east-1/", "/us-east-2/")]
    [InlineData("/kinesis/", "/kinesit/")]
    [InlineData("/aws4_request", "/aws4_requesu")]
    public void Verify_ScopeChanged_Rejected(string part, string changed)
    {
        TestRequest signed = Signed();
        AssertRejected(signed.WithHeader("Authorization", AuthorizationOf(signed).Replace(part, changed, StringComparison.Ordinal)),
            AuthenticationError.InvalidSignature);
    }

    [Fact]
    public void Verify_AccessKeyChanged_Unrecognized()
    {
        TestRequest signed = Signed();
        AssertRejected(signed.WithHeader("Authorization", AuthorizationOf(signed).Replace("AKIDTEST", "AKIDTESU", StringComparison.Ordinal)),
            AuthenticationError.UnrecognizedClient);
    }

    [Fact]
    public void Verify_SignedHeaderListShortened_Rejected()
    {
        TestRequest signed = Signed();
        AssertRejected(signed.WithHeader("Authorization", AuthorizationOf(signed).Replace(";x-amz-target", "", StringComparison.Ordinal)),
            AuthenticationError.InvalidSignature);
    }

    [Fact]
    public void Verify_SignatureDigitChanged_Rejected()
    {
        TestRequest signed = Signed();
        string authorization = AuthorizationOf(signed);
        AssertRejected(signed.WithHeader("Authorization", Flip(authorization, authorization.Length - 1)), AuthenticationError.InvalidSignature);
    }

    [Property(MaxTest = 300)]
    public Property Verify_RandomSignedRequest_AcceptedAndAnySingleMutationRejected(int seed, NonNegativeInt which)
    {
        var random = new Random(seed);
        TestRequest signed = ReferenceSigner.Sign(RandomRequest(random));
        AuthenticationResult accepted = SigV4VerifierTests.Verify(signed);
        (string what, TestRequest mutated) = Mutate(signed, which.Get, random);
        AuthenticationResult rejected = SigV4VerifierTests.Verify(mutated);
        return (accepted.Succeeded && !rejected.Succeeded).Label($"seed {seed}, mutation {what}: {accepted.Error?.Message}");
    }

    private const string Unreserved = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
    private const string Awkward = " %+=&/:;,\"'!*()é\u1234";

    private static string RandomText(Random random, int min, int max, bool awkward)
    {
        int length = random.Next(min, max + 1);
        string alphabet = awkward ? Unreserved + Awkward : Unreserved;
        return string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));
    }

    private static TestRequest RandomRequest(Random random)
    {
        string[] methods = ["POST", "GET", "PUT", "DELETE"];
        string path = "/" + string.Join('/', Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomText(random, 1, 6, awkward: false).Replace(".", "x", StringComparison.Ordinal)));
        var query = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (RandomText(random, 1, 5, true), RandomText(random, 0, 6, true))).ToList();
        string[] names = ["X-Amz-Target", "Content-Type", "x-custom", "X-Custom-Two", "user-agent"];
        var headers = new List<(string, string)> { ("Host", "localhost:" + random.Next(1, 65536).ToString(CultureInfo.InvariantCulture)),
            ("X-Amz-Date", SigV4VerifierTests.AmzDate(SigV4VerifierTests.Now.AddSeconds(random.Next(-299, 300)))) };
        for (int i = random.Next(0, 5); i > 0; i--)
        {
            headers.Add((names[random.Next(names.Length)], RandomText(random, 0, 12, awkward: true).Replace("\u1234", "x", StringComparison.Ordinal).Replace("é", "e", StringComparison.Ordinal)));
        }
        byte[] body = new byte[random.Next(0, 64)];
        random.NextBytes(body);
        return new TestRequest(methods[random.Next(methods.Length)], path, query, headers, body);
    }

    private static (string What, TestRequest Request) Mutate(TestRequest r, int which, Random random)
    {
        var signedHeaders = r.Headers.Where(h => h.Name != "Authorization").ToList();
        switch (which % 7)
        {
            case 0:
                return ("method", r with { Method = r.Method + "X" });
            case 1:
                return ("path", r with { Path = r.Path + "a" });
            case 2 when r.Query.Count > 0:
                {
                    int i = random.Next(r.Query.Count);
                    List<(string Name, string Value)> query = [.. r.Query];
                    query[i] = (query[i].Name, query[i].Value.Length == 0 ? "a" : Flip(query[i].Value, random.Next(query[i].Value.Length)));
                    return ("query " + query[i].Name, r with { Query = query });
                }
            case 3:
                {
                    int i = random.Next(signedHeaders.Count);
                    (string name, string value) = signedHeaders[i];
                    string changed = value.Trim().Length == 0 ? value + "a" : FlipNonSpace(value, random);
                    List<(string, string)> headers = [.. r.Headers];
                    headers[r.Headers.ToList().IndexOf(signedHeaders[i])] = (name, changed);
                    return ("header " + name, r with { Headers = headers });
                }
            case 4:
                {
                    byte[] body = r.Body.Length == 0 ? [1] : [.. r.Body];
                    if (r.Body.Length > 0)
                    {
                        body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
                    }
                    return ("body", r with { Body = body });
                }
            case 5:
                {
                    string authorization = r.Headers.First(h => h.Name == "Authorization").Value;
                    int at = authorization.LastIndexOf('=') + 1 + random.Next(64);
                    return ("signature", r.WithHeader("Authorization", Flip(authorization, at)));
                }
            default:
                {
                    string authorization = r.Headers.First(h => h.Name == "Authorization").Value;
                    int start = authorization.IndexOf('/', StringComparison.Ordinal);
                    int end = authorization.IndexOf(',', StringComparison.Ordinal);
                    return ("scope", r.WithHeader("Authorization", Flip(authorization, start + 1 + random.Next(end - start - 1))));
                }
        }
    }

    private static string FlipNonSpace(string value, Random random)
    {
        int[] positions = [.. Enumerable.Range(0, value.Length).Where(i => value[i] != ' ')];
        int at = positions[random.Next(positions.Length)];
        return string.Concat(value.AsSpan(0, at), value[at] == 'a' ? "b" : "a", value.AsSpan(at + 1));
    }
}
