using System.Text;

namespace Runnel.Harness.Results;

/// <summary>The body of a run's <c>summary.md</c>: headings, paragraphs, Markdown tables and chart images, in order.</summary>
public sealed class RunSummary
{
    private readonly StringBuilder _text = new();

    /// <summary>A second-level heading.</summary>
    public RunSummary Heading(string title)
    {
        _text.Append("## ").AppendLine(title).AppendLine();
        return this;
    }

    /// <summary>A paragraph, or Markdown already formatted (a scenario's tables).</summary>
    public RunSummary Text(string markdown)
    {
        _text.AppendLine(markdown.TrimEnd()).AppendLine();
        return this;
    }

    /// <summary>A table; cells are escaped so that a <c>|</c> in a value does not split its column.</summary>
    public RunSummary Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _text.AppendLine(MarkdownTable(headers, rows)).AppendLine();
        return this;
    }

    /// <summary>An image: <paramref name="path"/> relative to the run directory (e.g. <c>charts/throughput.svg</c>).</summary>
    public RunSummary Image(string alt, string path)
    {
        _text.Append("![").Append(alt).Append("](").Append(path.Replace('\\', '/')).AppendLine(")").AppendLine();
        return this;
    }

    /// <summary>The Markdown.</summary>
    public string ToMarkdown() => _text.ToString();

    /// <summary>A Markdown table; columns whose header starts with <c>&gt;</c> are right-aligned (the <c>&gt;</c> is dropped).</summary>
    public static string MarkdownTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", headers.Select(h => Escape(h.TrimStart('>')))).AppendLine(" |");
        text.Append('|').AppendJoin('|', headers.Select(h => h.StartsWith('>') ? "--:" : "---")).AppendLine("|");
        foreach (IReadOnlyList<string> row in rows)
        {
            if (row.Count != headers.Count)
            {
                throw new ArgumentException($"A row has {row.Count} cells for {headers.Count} columns.", nameof(rows));
            }
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        }
        return text.ToString().TrimEnd();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
