namespace Runnel.Streams;

/// <summary>A stream's status (wire names: CREATING, ACTIVE, UPDATING, DELETING).</summary>
public enum StreamStatus
{
    Creating,
    Active,
    Updating,
    Deleting,
}
