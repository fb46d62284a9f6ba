using System.Text;

namespace Runnel.Security.Authentication;

/// <summary>
/// The parts of an HTTP request that SigV4 signs, as they came off the wire: the method, the raw path (still
/// percent-encoded), the raw query string (without <c>?</c>) and every header with all its values in order. The
/// body is passed separately to <see cref="SigV4Verifier.Verify"/>. Immutable.
/// </summary>
public sealed class SigV4Request
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);
    private List<KeyValuePair<byte[], byte[]>>? _query;

    /// <summary>A request; header names are matched without regard to case and repeated names keep every value.</summary>
    public SigV4Request(string method, string path, string? query, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> headers)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        Path = path;
        Query = query is ['?', .. string rest] ? rest : query ?? "";
        foreach ((string name, IReadOnlyList<string> values) in headers)
        {
            if (!_headers.TryGetValue(name, out List<string>? list))
            {
                _headers[name] = list = [];
            }
            list.AddRange(values);
        }
    }

    /// <summary>The method, for example <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>The path as sent, percent-encoded (<c>/</c> for every Kinesis request).</summary>
    public string Path { get; }

    /// <summary>The query string as sent, without the leading <c>?</c>; empty when there is none.</summary>
    public string Query { get; }

    /// <summary>The values of a header, or null when the request does not have it.</summary>
    public IReadOnlyList<string>? Header(string name) => _headers.TryGetValue(name, out List<string>? values) ? values : null;

    /// <summary>The first value of a header, or null.</summary>
    public string? FirstHeader(string name) => Header(name) is [string first, ..] ? first : null;

    /// <summary>The query's parameters, percent-decoded to bytes, in the order sent.</summary>
    internal IReadOnlyList<KeyValuePair<byte[], byte[]>> QueryParameters => _query ??= ParseQuery(Query);

    /// <summary>The first value of a query parameter (decoded as UTF-8), or null.</summary>
    public string? QueryParameter(string name)
    {
        byte[] key = Encoding.UTF8.GetBytes(name);
        foreach ((byte[] k, byte[] v) in QueryParameters)
        {
            if (k.AsSpan().SequenceEqual(key))
            {
                return Encoding.UTF8.GetString(v);
            }
        }
        return null;
    }

    private static List<KeyValuePair<byte[], byte[]>> ParseQuery(string query)
    {
        var parameters = new List<KeyValuePair<byte[], byte[]>>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? pair : pair[..equals];
            string value = equals < 0 ? "" : pair[(equals + 1)..];
            parameters.Add(new(SigV4Canonical.PercentDecode(name), SigV4Canonical.PercentDecode(value)));
        }
        return parameters;
    }
}
