using System.CommandLine;

namespace Runnel.Harness;

/// <summary>
/// The <c>--endpoint URL</c> option of commands that load a running server: an absolute http:// or https:// URL,
/// parsed here because System.CommandLine has no parser of its own for <see cref="Uri"/>.
/// </summary>
internal static class EndpointOption
{
    public static Option<Uri?> Create(string description) => new("--endpoint")
    {
        Description = description,
        HelpName = "URL",
        CustomParser = r =>
        {
            if (Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }
            r.AddError($"--endpoint must be an http:// or https:// URL, not '{r.Tokens[0].Value}'.");
            return null;
        },
    };
}
