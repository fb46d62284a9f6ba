using System.Text;
using Runnel.Security.Authentication;
using Runnel.Testing;

namespace Runnel.Security.Tests.Authentication;

public class CredentialStoreTests
{
    private static CredentialStore Parse(string json) => CredentialStore.Parse(Encoding.UTF8.GetBytes(json), "creds.json");

    [Fact]
    public void Parse_FullEntry_PrincipalWithAccountAndPolicies()
    {
        CredentialStore store = Parse("""
            {"principals": [{"accessKeyId": "AKIAALICE", "secretAccessKey": "s3cret", "sessionToken": "tok",
              "arn": "arn:aws:iam::123456789012:user/alice",
              "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}]}]}]}
            """);
        Principal alice = Assert.Single(store.Principals);
        Assert.Equal("AKIAALICE", alice.AccessKeyId);
        Assert.Equal("arn:aws:iam::123456789012:user/alice", alice.Arn);
        Assert.Equal("123456789012", alice.AccountId);
        Assert.Equal("tok", alice.SessionToken);
        string policy = Assert.Single(alice.PolicyDocuments);
        Assert.StartsWith("{\"Version\": \"2012-10-17\"", policy, StringComparison.Ordinal);
        Assert.True(store.TryGet("AKIAALICE", out _, out byte[] secret));
        Assert.Equal("AWS4s3cret"u8.ToArray(), secret);
    }

    [Fact]
    public void Parse_MinimalEntries_NoTokenNoPolicies()
    {
        CredentialStore store = Parse("""
            {"principals": [{"accessKeyId": "A1", "secretAccessKey": "x", "arn": "arn:aws:iam::000000000001:root"},
                            {"accessKeyId": "A2", "secretAccessKey": "y", "arn": "arn:aws-cn:sts::000000000002:assumed-role/r/s"}]}
            """);
        Assert.Equal(2, store.Principals.Count());
        Assert.True(store.TryGet("A2", out Principal p, out _));
        Assert.Null(p.SessionToken);
        Assert.Empty(p.PolicyDocuments);
        Assert.Equal("000000000002", p.AccountId);
        Assert.False(store.TryGet("A3", out _, out _));
    }

    [Theory]
    [InlineData("not json", "creds.json: not valid JSON")]
    [InlineData("[]", "creds.json: the credentials file must be a JSON object")]
    [InlineData("{}", "creds.json: 'principals' must be a list")]
    [InlineData("""{"principals": [], "extra": 1}""", "creds.json: 'extra' is not a key")]
    [InlineData("""{"principals": []}""", "creds.json: 'principals' is empty")]
    [InlineData("""{"principals": [1]}""", "creds.json: principals[0] must be an object")]
    [InlineData("""{"principals": [{"secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a"}]}""", "creds.json: principals[0]: 'accessKeyId' is missing.")]
    [InlineData("""{"principals": [{"accessKeyId": "A/B", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a"}]}""", "creds.json: principals[0]: accessKeyId 'A/B' must be")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "arn": "arn:aws:iam::123456789012:user/a"}]}""", "creds.json: principals[0] (A): 'secretAccessKey' is missing.")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x"}]}""", "creds.json: principals[0] (A): 'arn' is missing")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::12345:user/a"}]}""", "creds.json: principals[0] (A): arn 'arn:aws:iam::12345:user/a' is not")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:s3:::bucket"}]}""", "creds.json: principals[0] (A): arn 'arn:aws:s3:::bucket' is not")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a", "sessionToken": ""}]}""", "creds.json: principals[0] (A): 'sessionToken' is empty")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": 5, "arn": "arn:aws:iam::123456789012:user/a"}]}""", "creds.json: principals[0].secretAccessKey must be a string.")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a", "policies": [1]}]}""", "creds.json: principals[0].policies[0] must be an IAM policy document")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a", "polices": []}]}""", "creds.json: principals[0].polices is not a key of a principal")]
    [InlineData("""{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a"}, {"accessKeyId": "A", "secretAccessKey": "y", "arn": "arn:aws:iam::123456789012:user/b"}]}""", "creds.json: principals[1]: access key 'A' is listed twice.")]
    public void Parse_BadFile_ErrorNamesFileAndEntry(string json, string messageStart)
    {
        CredentialsFileException e = Assert.Throws<CredentialsFileException>(() => Parse(json));
        Assert.StartsWith(messageStart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ErrorNamesTheFile()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "nope.json");
        CredentialsFileException e = Assert.Throws<CredentialsFileException>(() => CredentialStore.Load(path));
        Assert.StartsWith(path + ": cannot read the credentials file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_File_SameAsParse()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "creds.json");
        File.WriteAllText(path, """{"principals": [{"accessKeyId": "A", "secretAccessKey": "x", "arn": "arn:aws:iam::123456789012:user/a"}]}""");
        Assert.Equal("A", Assert.Single(CredentialStore.Load(path).Principals).AccessKeyId);
    }
}
