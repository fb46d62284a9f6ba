namespace Runnel.Protocol;

/// <summary>The body encoding of a request, and so of its response.</summary>
public enum WireFormat
{
    /// <summary><c>application/x-amz-json-1.1</c>: base64 blobs, epoch seconds as numbers.</summary>
    Json,

    /// <summary><c>application/x-amz-cbor-1.1</c>: byte strings, timestamps as tag 1 with epoch milliseconds.</summary>
    Cbor,
}
