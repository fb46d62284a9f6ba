namespace Runnel.Storage.Framing;

/// <summary>The outcome of decoding a frame.</summary>
public enum FrameStatus
{
    /// <summary>A whole, checksummed frame.</summary>
    Valid,

    /// <summary>A zero length: no frame was written here.</summary>
    End,

    /// <summary>The buffer ends before the frame does.</summary>
    Incomplete,

    /// <summary>The bytes are not a frame: bad length, field or checksum.</summary>
    Invalid,
}
