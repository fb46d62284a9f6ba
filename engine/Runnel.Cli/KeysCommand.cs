using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;

namespace Runnel.Cli;

/// <summary>
/// <c>runnel keys</c>: the master keys of encryption at rest (the local stand-in for KMS), in
/// <c>DATA/keys/keys.json</c>: create, list, describe, disable, enable, rotate. Prints JSON shaped as
/// <c>aws kms describe-key</c> does. A running server picks the changes up within a second.
/// </summary>
internal static class KeysCommand
{
    private static readonly JsonWriterOptions s_output = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The option naming a file whose first line is the key file's passphrase (shared with serve).</summary>
    public static Option<string?> PassphraseFileOption() => new("--key-passphrase-file")
    {
        Description = "a file whose first line seals the key file with a passphrase (else RUNNEL_KEY_PASSPHRASE; none: the file stays in clear, mode 0600)",
        HelpName = "FILE",
    };

    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "data directory (default ./data, or RUNNEL_DATA)", HelpName = "DIR", Recursive = true };
        Option<string?> passphraseFile = PassphraseFileOption();
        passphraseFile.Recursive = true;
        var region = new Option<string?>("--region") { Description = "region in ARNs (default us-east-1, or RUNNEL_REGION)", Recursive = true };
        var accountId = new Option<string?>("--account-id") { Description = "12-digit account id in ARNs (default 000000000000, or RUNNEL_ACCOUNT_ID)", Recursive = true };

        var alias = new Option<string?>("--alias") { Description = "an alias for the new key: alias/NAME", HelpName = "alias/NAME" };
        var description = new Option<string?>("--description") { Description = "a description of the new key", HelpName = "TEXT" };
        var create = new Command("create", "Create a master key (and optionally its alias)") { alias, description };
        create.SetAction(parse => Run(parse, keys => Print(parse, keys.Create(parse.GetValue(alias), parse.GetValue(description)))));

        var list = new Command("list", "List the master keys");
        list.SetAction(parse => Run(parse, keys => PrintList(parse, keys.List())));

        var root = new Command("keys", "Manage the master keys of encryption at rest (a local stand-in for KMS)")
        {
            data, passphraseFile, region, accountId, create, list,
            KeyCommand("describe", "Describe a key (key id, key ARN, alias or alias ARN)", static (keys, id) => keys.Describe(id)),
            KeyCommand("disable", "Disable a key: puts to streams using it and reads of records it protects fail with KMSDisabledException", static (keys, id) => keys.Disable(id)),
            KeyCommand("enable", "Enable a disabled key", static (keys, id) => keys.Enable(id)),
            KeyCommand("rotate", "Rotate a key: new data keys use new material; records written before stay readable", static (keys, id) => keys.Rotate(id)),
        };
        return root;

        Command KeyCommand(string name, string help, Func<KeyService, string, KeyDescription> action)
        {
            var key = new Argument<string>("KEY") { Description = "key id, key ARN, alias/NAME or alias ARN" };
            var command = new Command(name, help) { key };
            command.SetAction(parse => Run(parse, keys => Print(parse, action(keys, parse.GetValue(key)!))));
            return command;
        }

        int Run(ParseResult parse, Action<KeyService> action)
        {
            try
            {
                string directory = Path.GetFullPath(parse.GetValue(data) ?? Environment.GetEnvironmentVariable("RUNNEL_DATA") ?? "data");
                string? file = parse.GetValue(passphraseFile) is { } f ? Path.GetFullPath(f) : null;
                KeyService keys = KeyService.Open(Path.Combine(directory, "keys"), ServeSettings.KeyPassphrase(file),
                    parse.GetValue(region) ?? Environment.GetEnvironmentVariable("RUNNEL_REGION") ?? "us-east-1",
                    parse.GetValue(accountId) ?? Environment.GetEnvironmentVariable("RUNNEL_ACCOUNT_ID") ?? "000000000000");
                action(keys);
                return 0;
            }
            catch (KinesisException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"runnel keys: {e.ErrorType}: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is KeyStoreException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"runnel keys: {e.Message}");
                return 2;
            }
        }
    }

    private static void Print(ParseResult parse, KeyDescription key)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_output))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("KeyMetadata");
            Write(writer, key);
            writer.WriteEndObject();
        }
        parse.InvocationConfiguration.Output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void PrintList(ParseResult parse, IReadOnlyList<KeyDescription> keys)
    {
        using var buffer = new MemoryStream();
        using var writer = new Utf8JsonWriter(buffer, s_output);
        writer.WriteStartObject();
        writer.WriteStartArray("Keys");
        foreach (KeyDescription key in keys)
        {
            Write(writer, key);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        parse.InvocationConfiguration.Output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, KeyDescription key)
    {
        writer.WriteStartObject();
        writer.WriteString("KeyId", key.KeyId);
        writer.WriteString("Arn", key.Arn);
        writer.WriteStartArray("Aliases");
        foreach (string alias in key.Aliases)
        {
            writer.WriteStringValue(alias);
        }
        writer.WriteEndArray();
        writer.WriteString("Description", key.Description);
        writer.WriteString("KeyState", key.KeyState);
        writer.WriteBoolean("Enabled", key.KeyState == "Enabled");
        writer.WriteString("KeyManager", key.KeyManager);
        writer.WriteString("CreationDate", key.CreationDate.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteNumber("CurrentVersion", key.CurrentVersion);
        writer.WriteString("LastRotationDate", key.LastRotationDate.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }
}
