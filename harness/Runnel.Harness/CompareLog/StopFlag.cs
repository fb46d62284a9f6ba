namespace Runnel.Harness.CompareLog;

/// <summary>A flag set once by the timer and polled by producers. Thread-safe.</summary>
public sealed class StopFlag
{
    private volatile bool _set;

    /// <summary>Whether the producers should stop.</summary>
    public bool IsSet => _set;

    /// <summary>Tells the producers to stop.</summary>
    public void Set() => _set = true;
}
