using System.Text;
using Runnel.Security.Authentication;

namespace Runnel.Security.Tests.Authentication;

/// <summary>
/// A request of the SigV4 test suite (<c>Vectors/*.sreq</c>): request line, headers (a line starting with spaces
/// continues the previous header as a further value, as the suite's multiline vector expects), blank line, body.
/// Values are trimmed of surrounding whitespace as an HTTP parser does.
/// </summary>
internal static class SignedRequestFile
{
    public static string Directory { get; } = FindDirectory();

    public static IEnumerable<string> Names
        => System.IO.Directory.EnumerateFiles(Directory, "*.sreq").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal);

    public static (SigV4Request Request, byte[] Body) Load(string name)
    {
        string text = File.ReadAllText(Path.Combine(Directory, name + ".sreq"), Encoding.UTF8);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        string head = blank < 0 ? text : text[..blank];
        byte[] body = blank < 0 ? [] : Encoding.UTF8.GetBytes(text[(blank + 2)..]);
        string[] lines = head.Split('\n');
        string[] requestLine = lines[0].Split(' ');
        string method = requestLine[0];
        string target = string.Join(' ', requestLine[1..^1]); // the path may hold a space (get-space)
        int question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new List<KeyValuePair<string, List<string>>>();
        foreach (string line in lines.Skip(1))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                headers[^1].Value.Add(line.Trim());
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], [line[(colon + 1)..].Trim()]));
        }
        var request = new SigV4Request(method, question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..],
            headers.Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Key, h.Value)));
        return (request, body);
    }

    private static string FindDirectory()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "Runnel.Security.Tests", "Authentication", "Vectors");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/Runnel.Security.Tests/Authentication/Vectors not found above " + AppContext.BaseDirectory);
    }
}
