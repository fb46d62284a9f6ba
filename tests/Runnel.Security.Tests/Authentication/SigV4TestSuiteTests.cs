using System.Text;
using Microsoft.Extensions.Time.Testing;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

/// <summary>The AWS SigV4 test suite's signed requests (Vectors/SOURCE.md) verify, and fail with any other secret.</summary>
public class SigV4TestSuiteTests
{
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    private static readonly DateTimeOffset s_suiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static TheoryData<string> Vectors => [.. SignedRequestFile.Names];

    private static SigV4Verifier SuiteVerifier(string name, string secret)
    {
        string token = name.StartsWith("post-sts-", StringComparison.Ordinal) ? $", \"sessionToken\": \"{SuiteToken}\"" : "";
        CredentialStore store = CredentialStore.Parse(Encoding.UTF8.GetBytes(
            $"{{\"principals\": [{{\"accessKeyId\": \"AKIDEXAMPLE\", \"secretAccessKey\": \"{secret}\", \"arn\": \"arn:aws:iam::123456789012:user/example\"{token}}}]}}"), name);
        return new SigV4Verifier(store, "us-east-1", new FakeTimeProvider(s_suiteTime), service: "service");
    }

    [Fact]
    public void Vectors_AreAllPresent()
        => Assert.Equal(28, SignedRequestFile.Names.Count());

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_TestSuiteVector_Accepted(string name)
    {
        (SigV4Request request, byte[] body) = SignedRequestFile.Load(name);
        AuthenticationResult result = SuiteVerifier(name, SuiteSecret).Verify(request, body);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("AKIDEXAMPLE", result.Principal!.AccessKeyId);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_TestSuiteVectorWithAnotherSecret_InvalidSignature(string name)
    {
        (SigV4Request request, byte[] body) = SignedRequestFile.Load(name);
        AuthenticationResult result = SuiteVerifier(name, SuiteSecret.Replace('K', 'k')).Verify(request, body);
        Assert.Equal(AuthenticationError.InvalidSignature, result.Error?.ErrorType);
    }

    [Fact]
    public void Verify_QueryOrderVector_CanonicalQuerySortedByNameThenValue()
    {
        (SigV4Request request, byte[] body) = SignedRequestFile.Load("get-vanilla-query-order-key");
        AuthenticationResult result = SuiteVerifier("x", "wrong").Verify(request, body);
        // The suite's .creq for this vector: GET / Param1=Value1&Param1=value2 (uppercase sorts first).
        Assert.Contains("'GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MultilineVector_CanonicalValuesJoinedWithCommas()
    {
        (SigV4Request request, byte[] body) = SignedRequestFile.Load("get-header-value-multiline");
        AuthenticationResult result = SuiteVerifier("x", "wrong").Verify(request, body);
        Assert.Contains("\nmy-header1:value1,value2,value3\n", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_StsTokenVectorWithoutThePrincipalsToken_UnrecognizedClient()
    {
        (SigV4Request request, byte[] body) = SignedRequestFile.Load("post-sts-header-before");
        AuthenticationResult result = SuiteVerifier("no-token", SuiteSecret).Verify(request, body);
        Assert.Equal(AuthenticationError.UnrecognizedClient, result.Error?.ErrorType);
    }
}
