namespace Runnel.Streams;

/// <summary>Marker for the assembly until the streams engine lands.</summary>
internal static class AssemblyMarker
{
}
