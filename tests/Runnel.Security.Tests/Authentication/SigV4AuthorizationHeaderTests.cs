using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

public class SigV4AuthorizationHeaderTests
{
    private const string Valid = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261126/us-east-1/kinesis/aws4_request, "
        + "SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void TryParse_ClientHeader_AllParts()
    {
        Assert.True(SigV4AuthorizationHeader.TryParse(Valid, out SigV4AuthorizationHeader? header));
        Assert.Equal(new CredentialScope("AKIDTEST", "20261126", "us-east-1", "kinesis", "aws4_request"), header!.Credential);
        Assert.Equal(["content-type", "host", "x-amz-date"], header.SignedHeaders);
        Assert.Equal("content-type;host;x-amz-date", header.SignedHeadersText);
        Assert.Equal(64, header.Signature.Length);
    }

    [Fact]
    public void TryParse_NoSpacesAfterCommas_AllParts()
        => Assert.True(SigV4AuthorizationHeader.TryParse(Valid.Replace(", ", ",", StringComparison.Ordinal), out _));

    [Theory]
    [InlineData("")]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("AWS4-HMAC-SHA256 ")]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/kinesis, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=A/B/C/D/E SignedHeaders=host Signature=00 stray")]
    [InlineData("AWS4-HMAC-SHA512 Credential=A/B/C/D/E, SignedHeaders=host, Signature=00")]
    public void TryParse_IncompleteHeader_False(string text)
        => Assert.False(SigV4AuthorizationHeader.TryParse(text, out _));

    /// <summary>Header-ish text from the header's own tokens, well-formed or not.</summary>
    private static Gen<string> HeaderIsh()
    {
        Gen<string> token = Gen.Elements("AWS4-HMAC-SHA256", " ", ",", ", ", "=", "/", ";", "Credential", "SignedHeaders", "Signature",
            "Credential=", "AKID", "20261126", "us-east-1", "kinesis", "aws4_request", "host", "x-amz-date", "00ff", "\0", "\uD800", "é");
        return token.ArrayOf().Select(parts => string.Concat(parts));
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyString_NeverThrows(string? text)
    {
        bool parsed = SigV4AuthorizationHeader.TryParse(text ?? "", out SigV4AuthorizationHeader? header);
        return (parsed == header is not null).ToProperty();
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_HeaderIshText_NeverThrowsAndPartsRoundTrip()
        => Prop.ForAll(HeaderIsh().ToArbitrary(), text =>
        {
            if (!SigV4AuthorizationHeader.TryParse(text, out SigV4AuthorizationHeader? header))
            {
                return true;
            }
            return text.StartsWith(SigV4AuthorizationHeader.Algorithm + " ", StringComparison.Ordinal)
                && text.Contains("Signature=" + header!.Signature, StringComparison.Ordinal)
                && header.Credential.Terminator.Length >= 0;
        });
}
