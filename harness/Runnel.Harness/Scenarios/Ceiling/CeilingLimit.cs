using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>The resource that bounded a point, as far as the counters tell.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CeilingLimit>))] // names in the JSON, for charts
public enum CeilingLimit
{
    /// <summary>The engine's process used (nearly) every core.</summary>
    ServerCpu,

    /// <summary>The machine's cores were (nearly) all busy, but not all with the engine: the producers or other processes shared them.</summary>
    MachineCpu,

    /// <summary>The disk had requests in flight (nearly) all the time: fsync latency or bandwidth.</summary>
    Disk,

    /// <summary>Neither CPU nor disk saturated: the producers' calls in flight times their latency set the rate (more producers would go faster).</summary>
    Concurrency,

    /// <summary>The counters could not be read.</summary>
    Unknown,
}
