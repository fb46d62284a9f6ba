using System.Text.Json.Serialization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>How the producers reach the engine in a <c>ceiling</c> run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CeilingMode>))] // names in the JSON, for charts
public enum CeilingMode
{
    /// <summary>The engine in the harness process; producers call <c>StreamEngine.PutRecordsAsync</c>.</summary>
    Embedded,

    /// <summary>A <c>runnel serve --limits off</c> process (or a running server); producers send signed PutRecords over HTTP/1.1.</summary>
    Http,
}
