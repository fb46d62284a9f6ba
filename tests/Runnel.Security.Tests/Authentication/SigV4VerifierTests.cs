using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

public class SigV4VerifierTests
{
    internal static DateTimeOffset Now { get; } = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
    internal const string Token = "FwoGZXIvYXdzEXAMPLETOKEN//+=";

    internal static CredentialStore Store { get; } = CredentialStore.Parse(Encoding.UTF8.GetBytes($$"""
        {"principals": [
          {"accessKeyId": "{{ReferenceSigner.AccessKey}}", "secretAccessKey": "{{ReferenceSigner.Secret}}", "arn": "arn:aws:iam::123456789012:user/alice"},
          {"accessKeyId": "AKIDTOKEN", "secretAccessKey": "{{ReferenceSigner.Secret}}", "sessionToken": "{{Token}}", "arn": "arn:aws:sts::123456789012:assumed-role/r/s"}
        ]}
        """), "test");

    internal static SigV4Verifier Verifier(DateTimeOffset? now = null) => new(Store, ReferenceSigner.Region, new FakeTimeProvider(now ?? Now));

    internal static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    internal static TestRequest Kinesis(DateTimeOffset? time = null, string body = """{"StreamName":"orders"}""")
        => new("POST", "/", [], [("Host", "localhost:4567"), ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "Kinesis_20131202.ListShards"), ("X-Amz-Date", AmzDate(time ?? Now))], Encoding.UTF8.GetBytes(body));

    internal static AuthenticationResult Verify(TestRequest request, DateTimeOffset? now = null)
        => Verifier(now).Verify(request.ToRequest(), request.Body);

    private static void AssertRejected(AuthenticationResult result, string type, string? messageStart = null)
    {
        Assert.False(result.Succeeded, "accepted");
        Assert.Equal(type, result.Error!.ErrorType);
        Assert.Equal(400, result.Error!.StatusCode);
        if (messageStart is not null)
        {
            Assert.StartsWith(messageStart, result.Error!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_SignedByReference_AcceptedWithPrincipal()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis()));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("arn:aws:iam::123456789012:user/alice", result.Principal!.Arn);
        Assert.Equal("123456789012", result.Principal!.AccountId);
    }

    [Fact]
    public void Verify_SignedByRunnelSigner_Accepted()
    {
        TestRequest request = Kinesis();
        SigV4Request unsigned = request.ToRequest();
        string authorization = SigV4Signer.Authorization(unsigned, request.Body, ReferenceSigner.AccessKey, ReferenceSigner.Secret,
            ReferenceSigner.Region, ["host", "content-type", "x-amz-date", "x-amz-target"]);
        AuthenticationResult result = Verify(request.WithHeader("Authorization", authorization));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void Verify_WrongSecret_InvalidSignatureWithCanonicalString()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(), secret: "not-the-secret"));
        AssertRejected(result, AuthenticationError.InvalidSignature, "The request signature we calculated does not match the signature you provided.");
        Assert.Contains("The Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:localhost:4567\n",
            result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261126T140000Z\n20261126/us-east-1/kinesis/aws4_request\n",
            result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnknownAccessKey_UnrecognizedClient()
        => AssertRejected(Verify(ReferenceSigner.Sign(Kinesis(), accessKey: "AKIDNOBODY")), AuthenticationError.UnrecognizedClient,
            "The security token included in the request is invalid.");

    [Fact]
    public void Verify_NoAuthorizationAndNoQuery_MissingAuthenticationToken()
    {
        AuthenticationResult result = Verify(Kinesis());
        AssertRejected(result, AuthenticationError.MissingAuthenticationToken);
        Assert.Equal("Missing Authentication Token", result.Error!.Message);
    }

    [Fact]
    public void Verify_EmptyAuthorization_MissingAuthenticationToken()
        => AssertRejected(Verify(Kinesis().WithHeader("Authorization", "")), AuthenticationError.MissingAuthenticationToken);

    [Fact]
    public void Verify_AuthorizationWithoutParts_IncompleteSignatureNamingEachPart()
    {
        AuthenticationResult result = Verify(Kinesis().WithHeader("Authorization", "a"));
        AssertRejected(result, AuthenticationError.IncompleteSignature);
        Assert.Equal("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
            + "Authorization header requires 'SignedHeaders' parameter. Authorization=a", result.Error!.Message);
    }

    [Fact]
    public void Verify_NoDateHeader_IncompleteSignatureNamingTheDate()
    {
        TestRequest signed = ReferenceSigner.Sign(Kinesis());
        AuthenticationResult result = Verify(signed.WithoutHeader("X-Amz-Date"));
        AssertRejected(result, AuthenticationError.IncompleteSignature);
        Assert.Contains("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 ",
            result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TokenWithoutEquals_IncompleteSignature()
    {
        string header = "AWS4-HMAC-SHA256 Credential= AKIDTEST/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
        AuthenticationResult result = Verify(Kinesis().WithHeader("Authorization", header));
        AssertRejected(result, AuthenticationError.IncompleteSignature,
            "'AKIDTEST/20261126/us-east-1/kinesis/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= ");
    }

    [Fact]
    public void Verify_CredentialWithFourParts_IncompleteSignature()
        => AssertRejected(Verify(Kinesis().WithHeader("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261126/us-east-1/kinesis, SignedHeaders=host;x-amz-date, Signature=00")),
            AuthenticationError.IncompleteSignature, "Credential must have exactly 5 slash-delimited elements");

    [Fact]
    public void Verify_OtherAlgorithm_IncompleteSignature()
        => AssertRejected(Verify(Kinesis().WithHeader("Authorization",
            "AWS4-HMAC-SHA512 Credential=AKIDTEST/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")),
            AuthenticationError.IncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.");

    [Fact]
    public void Verify_MalformedAmzDate_IncompleteSignature()
    {
        TestRequest signed = ReferenceSigner.Sign(Kinesis()).WithHeader("X-Amz-Date", "2026-11-26T14:00:00Z");
        AssertRejected(Verify(signed), AuthenticationError.IncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2026-11-26T14:00:00Z'.");
    }

    [Fact]
    public void Verify_HeaderAndQueryAuth_InvalidSignature()
    {
        TestRequest both = ReferenceSigner.Sign(Kinesis()) is var signed ? signed with { Query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256")] } : null!;
        AssertRejected(Verify(both), AuthenticationError.InvalidSignature,
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }

    [Fact]
    public void Verify_HostNotSigned_IncompleteSignature()
        => AssertRejected(Verify(ReferenceSigner.Sign(Kinesis(), signed: ["content-type", "x-amz-date", "x-amz-target"])),
            AuthenticationError.IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    [Fact]
    public void Verify_DateHeaderInsteadOfAmzDate_Accepted()
    {
        TestRequest request = Kinesis().WithoutHeader("X-Amz-Date").WithHeader("Date", Now.AddSeconds(-10).ToString("r", CultureInfo.InvariantCulture));
        AuthenticationResult result = Verify(ReferenceSigner.Sign(request));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void Verify_DateHeaderSignedButOld_SignatureExpiredFromDate()
    {
        TestRequest request = Kinesis().WithoutHeader("X-Amz-Date").WithHeader("Date", Now.AddSeconds(-301).ToString("r", CultureInfo.InvariantCulture));
        AssertRejected(Verify(ReferenceSigner.Sign(request)), AuthenticationError.InvalidSignature, "Signature expired: 20261126T135459Z");
    }

    [Fact]
    public void Verify_DateHeaderNotSigned_IncompleteSignature()
    {
        TestRequest request = Kinesis().WithoutHeader("X-Amz-Date").WithHeader("Date", Now.ToString("r", CultureInfo.InvariantCulture));
        AssertRejected(Verify(ReferenceSigner.Sign(request, signed: ["host", "x-amz-target"])), AuthenticationError.IncompleteSignature,
            "'Date' must be a 'SignedHeader' in the AWS Authorization.");
    }

    [Fact]
    public void Verify_AuthoritySignedInsteadOfHost_Accepted()
    {
        TestRequest request = Kinesis().WithoutHeader("Host").WithHeader(":authority", "localhost:4567");
        Assert.True(Verify(ReferenceSigner.Sign(request)).Succeeded);
    }

    [Fact]
    public void Verify_DateNotSigned_IncompleteSignature()
        => AssertRejected(Verify(ReferenceSigner.Sign(Kinesis(), signed: ["host", "x-amz-target"])),
            AuthenticationError.IncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");

    [Fact]
    public void Verify_SignedHeaderAbsentFromRequest_InvalidSignature()
    {
        TestRequest signed = ReferenceSigner.Sign(Kinesis().WithHeader("X-Extra", ""));
        AssertRejected(Verify(signed.WithoutHeader("X-Extra")), AuthenticationError.InvalidSignature, "The request signature we calculated");
    }

    [Theory]
    [InlineData("eu-west-1", "kinesis", "aws4_request", "Credential should be scoped to a valid region, not 'eu-west-1'.")]
    [InlineData("us-east-1", "dynamodb", "aws4_request", "Credential should be scoped to correct service: 'kinesis'.")]
    public void Verify_ScopeOfAnotherRegionOrService_InvalidSignature(string region, string service, string terminator, string message)
    {
        _ = terminator;
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(), region: region, service: service));
        AssertRejected(result, AuthenticationError.InvalidSignature);
        Assert.Equal(message, result.Error!.Message);
    }

    [Fact]
    public void Verify_ScopeDateNotTheDayOfXAmzDate_InvalidSignature()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(), scopeDate: "20261125"));
        AssertRejected(result, AuthenticationError.InvalidSignature);
        Assert.Equal("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261125' != '20261126', from 'x-amz-date'.",
            result.Error!.Message);
    }

    [Theory]
    [InlineData(299)]
    [InlineData(-299)]
    [InlineData(300)]
    [InlineData(-300)]
    [InlineData(0)]
    public void Verify_SkewWithinFiveMinutes_Accepted(int seconds)
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(Now.AddSeconds(seconds))));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void Verify_Signed301SecondsAgo_SignatureExpired()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(Now.AddSeconds(-301))));
        AssertRejected(result, AuthenticationError.InvalidSignature);
        Assert.Equal("Signature expired: 20261126T135459Z is now earlier than 20261126T135500Z (20261126T140000Z - 5 min.)", result.Error!.Message);
    }

    [Fact]
    public void Verify_Signed301SecondsAhead_SignatureNotYetCurrent()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Sign(Kinesis(Now.AddSeconds(301))));
        AssertRejected(result, AuthenticationError.InvalidSignature);
        Assert.Equal("Signature not yet current: 20261126T140501Z is still later than 20261126T140500Z (20261126T140000Z + 5 min.)", result.Error!.Message);
    }

    [Fact]
    public void Verify_SessionTokenSignedAndEqual_Accepted()
    {
        TestRequest request = Kinesis().WithHeader("X-Amz-Security-Token", Token);
        Assert.True(Verify(ReferenceSigner.Sign(request, accessKey: "AKIDTOKEN")).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("FwoGZXIvYXdzEXAMPLETOKEN//+")]
    public void Verify_SessionTokenMissingOrWrong_UnrecognizedClient(string? token)
    {
        TestRequest request = token is null ? Kinesis() : Kinesis().WithHeader("X-Amz-Security-Token", token);
        AssertRejected(Verify(ReferenceSigner.Sign(request, accessKey: "AKIDTOKEN")), AuthenticationError.UnrecognizedClient);
    }

    [Fact]
    public void Verify_TokenSentForLongTermKey_UnrecognizedClient()
        => AssertRejected(Verify(ReferenceSigner.Sign(Kinesis().WithHeader("X-Amz-Security-Token", Token))), AuthenticationError.UnrecognizedClient);

    [Fact]
    public void Verify_ContentSha256OfTheBody_Accepted()
    {
        TestRequest request = Kinesis();
        request = request.WithHeader("X-Amz-Content-Sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Body)));
        Assert.True(Verify(ReferenceSigner.Sign(request)).Succeeded);
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Verify_ContentSha256NotTheBodys_InvalidSignature(string declared)
        => AssertRejected(Verify(ReferenceSigner.Sign(Kinesis().WithHeader("X-Amz-Content-Sha256", declared))), AuthenticationError.InvalidSignature,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");

    [Fact]
    public void Verify_Presigned_Accepted()
    {
        TestRequest request = ReferenceSigner.Presign(Kinesis().WithoutHeader("X-Amz-Date"), Now.AddMinutes(-1), expires: 120);
        AuthenticationResult result = Verify(request);
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void Verify_PresignedWithinExpiryBeyondSkew_Accepted()
        => Assert.True(Verify(ReferenceSigner.Presign(Kinesis(), Now.AddMinutes(-30), expires: 3600)).Succeeded);

    [Fact]
    public void Verify_PresignedPastExpiry_SignatureExpired()
    {
        AuthenticationResult result = Verify(ReferenceSigner.Presign(Kinesis(), Now.AddSeconds(-121), expires: 120));
        AssertRejected(result, AuthenticationError.InvalidSignature);
        Assert.Equal("Signature expired: 20261126T135759Z is now earlier than 20261126T135800Z (20261126T140000Z - 120 sec.)", result.Error!.Message);
    }

    [Fact]
    public void Verify_PresignedWithoutExpiresOlderThanSkew_SignatureExpired()
        => AssertRejected(Verify(ReferenceSigner.Presign(Kinesis(), Now.AddSeconds(-301), expires: null)), AuthenticationError.InvalidSignature, "Signature expired");

    [Fact]
    public void Verify_PresignedInTheFuture_NotYetCurrent()
        => AssertRejected(Verify(ReferenceSigner.Presign(Kinesis(), Now.AddSeconds(301), expires: 3600)), AuthenticationError.InvalidSignature,
            "Signature not yet current");

    [Theory]
    [InlineData("0")]
    [InlineData("604801")]
    [InlineData("ten")]
    public void Verify_PresignedExpiresOutOfRange_IncompleteSignature(string expires)
    {
        TestRequest request = ReferenceSigner.Presign(Kinesis(), Now, expires: 60);
        request = request with { Query = [.. request.Query.Select(p => p.Name == "X-Amz-Expires" ? (p.Name, expires) : p)] };
        AssertRejected(Verify(request), AuthenticationError.IncompleteSignature, "X-Amz-Expires");
    }

    [Fact]
    public void Verify_PresignedMissingParameters_IncompleteSignatureNamingThem()
    {
        TestRequest request = Kinesis() with { Query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Date", AmzDate(Now))] };
        AuthenticationResult result = Verify(request);
        AssertRejected(result, AuthenticationError.IncompleteSignature);
        Assert.Equal("AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. "
            + "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.", result.Error!.Message);
    }

    [Fact]
    public void Verify_PresignedWrongSecret_InvalidSignature()
        => AssertRejected(Verify(ReferenceSigner.Presign(Kinesis(), Now, 60, secret: "wrong")), AuthenticationError.InvalidSignature,
            "The request signature we calculated");

    [Fact]
    public void Verify_PresignedWithSessionToken_Accepted()
        => Assert.True(Verify(ReferenceSigner.Presign(Kinesis(), Now, 60, token: Token, accessKey: "AKIDTOKEN")).Succeeded);

    [Fact]
    public void Verify_PresignedWithoutTheSessionToken_UnrecognizedClient()
        => AssertRejected(Verify(ReferenceSigner.Presign(Kinesis(), Now, 60, accessKey: "AKIDTOKEN")), AuthenticationError.UnrecognizedClient);
}
