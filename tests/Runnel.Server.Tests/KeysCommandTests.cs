using System.CommandLine;
using System.Text.Json;
using Runnel.Cli;
using Runnel.Testing;

namespace Runnel.Server.Tests;

/// <summary><c>runnel keys</c>: create, list, describe, disable, enable, rotate on the key file under --data, and the
/// passphrase-sealed file.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Keys_CreateDescribeDisableEnableRotateList_ChangeTheKeyFile()
    {
        (int code, string output, _) = Run("keys", "create", "--alias", "alias/orders", "--description", "orders key");
        Assert.Equal(0, code);
        JsonElement created = Metadata(output);
        string id = created.GetProperty("KeyId").GetString()!;
        Assert.Equal($"arn:aws:kms:us-east-1:000000000000:key/{id}", created.GetProperty("Arn").GetString());
        Assert.Equal("orders key", created.GetProperty("Description").GetString());

        Assert.Equal("Disabled", Metadata(Run("keys", "disable", "alias/orders").Output).GetProperty("KeyState").GetString());
        Assert.Equal("Disabled", Metadata(Run("keys", "describe", id).Output).GetProperty("KeyState").GetString());
        Assert.Equal("Enabled", Metadata(Run("keys", "enable", $"arn:aws:kms:us-east-1:000000000000:key/{id}").Output).GetProperty("KeyState").GetString());
        Assert.Equal(2, Metadata(Run("keys", "rotate", "alias/orders").Output).GetProperty("CurrentVersion").GetInt32());

        using JsonDocument list = JsonDocument.Parse(Run("keys", "list").Output);
        JsonElement only = Assert.Single(list.RootElement.GetProperty("Keys").EnumerateArray());
        Assert.Equal(id, only.GetProperty("KeyId").GetString());
        Assert.True(File.Exists(Path.Combine(_directory.Path, "data", "keys", "keys.json")));
    }

    [Fact]
    public void Keys_DescribeMissing_ExitsOneWithKmsNotFound()
    {
        (int code, _, string error) = Run("keys", "describe", "alias/nope");
        Assert.Equal(1, code);
        Assert.Contains("KMSNotFoundException: Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_GroupReadableKeyFile_ExitsTwoWithAClearError()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        Assert.Equal(0, Run("keys", "create").Code);
        string file = Path.Combine(_directory.Path, "data", "keys", "keys.json");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        (int code, _, string error) = Run("keys", "list");
        Assert.Equal(2, code);
        Assert.Contains("accessible to other users (mode 0640)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_PassphraseFile_SealsAndAWrongOneIsAClearError()
    {
        string right = Path.Combine(_directory.Path, "pass");
        string wrong = Path.Combine(_directory.Path, "wrong");
        File.WriteAllText(right, "a long passphrase\n");
        File.WriteAllText(wrong, "not it\n");
        Assert.Equal(0, Run("keys", "create", "--alias", "alias/s", "--key-passphrase-file", right).Code);
        Assert.Contains("\"Sealed\"", File.ReadAllText(Path.Combine(_directory.Path, "data", "keys", "keys.json")), StringComparison.Ordinal);
        Assert.Equal(0, Run("keys", "describe", "alias/s", "--key-passphrase-file", right).Code);
        (int code, _, string error) = Run("keys", "describe", "alias/s", "--key-passphrase-file", wrong);
        Assert.Equal(2, code);
        Assert.Contains("passphrase does not open", error, StringComparison.Ordinal);
    }

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { KeysCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] withData = [.. args, "--data", Path.Combine(_directory.Path, "data")];
        int code = root.Parse(withData).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement Metadata(string output)
    {
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.GetProperty("KeyMetadata").Clone();
    }
}
