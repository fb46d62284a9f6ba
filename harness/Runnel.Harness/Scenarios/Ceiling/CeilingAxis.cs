using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>The parameter a sweep varies while the other two stay at the base point.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CeilingAxis>))] // names in the JSON, for charts
public enum CeilingAxis
{
    /// <summary>Open shards of the stream.</summary>
    Shards,

    /// <summary>Bytes per record (data plus partition key, as Kinesis counts them).</summary>
    RecordBytes,

    /// <summary>Concurrent producers, each with one PutRecords call in flight.</summary>
    Producers,
}
