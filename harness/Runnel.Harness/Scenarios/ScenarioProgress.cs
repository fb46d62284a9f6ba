using System.Text;
using Spectre.Console;

namespace Runnel.Harness.Scenarios;

/// <summary>
/// A scenario's progress: a Spectre.Console progress bar when stdout is an interactive terminal, plain lines otherwise
/// (redirected to a file or a pipe, as in the suite's child processes and CI). As a <see cref="TextWriter"/> it takes
/// the scenario's progress lines (printed above the bar, or as they are); as an <see cref="IProgress{T}"/> it takes
/// the fraction done (0 to 1), which only the bar shows.
/// </summary>
public sealed class ScenarioProgress : TextWriter, IProgress<double>
{
    private readonly ProgressTask? _task;
    private readonly TextWriter _plain;

    // Live: the start of a line written in pieces (ceiling's "[3/24] point ... " then its result), printed above the
    // bar when the line ends, so that the bar's redraws do not split it.
    private readonly StringBuilder _pending = new();

    private ScenarioProgress(ProgressTask? task, TextWriter plain)
    {
        _task = task;
        _plain = plain;
    }

    /// <summary>Whether a bar is drawn: stdout is a terminal and the console is interactive.</summary>
    public static bool Live => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Runs <paramref name="work"/> under a bar titled <paramref name="title"/> (live), or after printing the title as a line.</summary>
    public static async Task<T> RunAsync<T>(string title, Func<ScenarioProgress, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Live)
        {
            Console.Out.WriteLine(title);
            return await work(new ScenarioProgress(null, Console.Out)).ConfigureAwait(false);
        }
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(title), maxValue: 1);
                T result = await work(new ScenarioProgress(task, Console.Out)).ConfigureAwait(false);
                task.Value = 1;
                return result;
            }).ConfigureAwait(false);
    }

    /// <summary>Sets the fraction done (0 to 1).</summary>
    public void Report(double value)
    {
        if (_task is not null)
        {
            _task.Value = Math.Clamp(value, 0, 1);
        }
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        if (_task is null)
        {
            _plain.WriteLine(value);
        }
        else
        {
            lock (_pending)
            {
                AnsiConsole.WriteLine(_pending + (value ?? ""));
                _pending.Clear();
            }
        }
    }

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (_task is null)
        {
            _plain.Write(value);
        }
        else if (value == '\n')
        {
            WriteLine("");
        }
        else if (value != '\r')
        {
            lock (_pending)
            {
                _pending.Append(value);
            }
        }
    }
}
