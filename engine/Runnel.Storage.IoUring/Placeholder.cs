namespace Runnel.Storage.IoUring;

/// <summary>Marker for the assembly until the io_uring device lands.</summary>
internal static class AssemblyMarker
{
}
