using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

/// <summary>The verifier answers every input with a result (never an exception), and never accepts garbage.</summary>
public class SigV4VerifierInputTests
{
    private static Gen<string> Pieces(params string[] tokens) => Gen.Elements(tokens).ArrayOf().Select(parts => string.Concat(parts));

    private static readonly string[] s_authTokens = ["AWS4-HMAC-SHA256", " ", ",", "=", "/", ";", "Credential=", "SignedHeaders=",
        "Signature=", ReferenceSigner.AccessKey, "20261126", "us-east-1", "kinesis", "aws4_request", "host", "x-amz-date", "00ff", "\0", "é", "%"];

    private static readonly string[] s_queryTokens = ["X-Amz-Algorithm=", "X-Amz-Credential=", "X-Amz-Date=", "X-Amz-SignedHeaders=",
        "X-Amz-Signature=", "X-Amz-Expires=", "X-Amz-Security-Token=", "AWS4-HMAC-SHA256", "&", "=", "%2F", "%", "%zz", "+", "20261126T140000Z",
        "host", "604800", "-1", "99999999999", ReferenceSigner.AccessKey, "/", "\u1234"];

    [Property(MaxTest = 1000)]
    public Property Verify_AnyAuthorizationAndQuery_ResultNeverException()
        => Prop.ForAll(Pieces(s_authTokens).ToArbitrary(), Pieces(s_queryTokens).ToArbitrary(), Pieces(["/", ".", "..", "a", "%", "%41", " "]).ToArbitrary(),
            (authorization, query, path) =>
            {
                TestRequest request = SigV4VerifierTests.Kinesis() with { Path = path };
                if (authorization.Length > 0)
                {
                    request = request.WithHeader("Authorization", authorization);
                }
                SigV4Request raw = new(request.Method, path, query,
                    request.Headers.Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Name, [h.Value])));
                AuthenticationResult result = SigV4VerifierTests.Verifier().Verify(raw, request.Body);
                return !result.Succeeded && result.Error!.ErrorType.Length > 0 && result.Error.Message.Length > 0;
            });
}
