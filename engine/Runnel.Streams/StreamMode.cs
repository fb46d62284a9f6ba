namespace Runnel.Streams;

/// <summary>A stream's capacity mode (wire names: PROVISIONED, ON_DEMAND).</summary>
public enum StreamMode
{
    Provisioned,
    OnDemand,
}
