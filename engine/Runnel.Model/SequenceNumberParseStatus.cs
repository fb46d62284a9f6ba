namespace Runnel.Model;

/// <summary>The outcome of <see cref="SequenceNumber.TryParse"/>.</summary>
public enum SequenceNumberParseStatus
{
    /// <summary>The text is a Runnel sequence number; the out value is set.</summary>
    Ok = 0,

    /// <summary>
    /// The text does not match the Kinesis pattern <c>0|([1-9]\d{0,128})</c>; the API answers with a
    /// validation error.
    /// </summary>
    Malformed = 1,

    /// <summary>
    /// The text is syntactically valid but Runnel never issued it (wrong digit count, version or reserved bits);
    /// the API answers that the number did not come from this stream.
    /// </summary>
    Foreign = 2,
}
