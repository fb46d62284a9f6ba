using System.Text.Json.Serialization;

namespace Runnel.Harness.Suite;

/// <summary>How one part of the suite ended, from its exit code, its checks and its wall-time limit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SuiteStatus>))]
public enum SuiteStatus
{
    /// <summary>Ran to the end; every check passed, or it has none.</summary>
    Ok,

    /// <summary>Ran to the end and wrote its report, but some check or target failed: a measurement, not a crash.</summary>
    TargetsNotMet,

    /// <summary>Exited with an error (an exception, a refused argument, a failed build): no report to trust.</summary>
    Failed,

    /// <summary>Ran past its wall-time limit: its process tree was killed.</summary>
    TimedOut,

    /// <summary>Not run: this mode leaves it out, or the suite's deadline had passed.</summary>
    Skipped,
}
