namespace Runnel.Protocol;

/// <summary>The <c>X-Amz-Target</c> header: <c>Kinesis_20131202.&lt;Operation&gt;</c>.</summary>
public static class KinesisTarget
{
    /// <summary>The service prefix of every target.</summary>
    public const string Prefix = "Kinesis_20131202.";

    /// <summary>The JSON content type.</summary>
    public const string JsonContentType = "application/x-amz-json-1.1";

    /// <summary>The CBOR content type.</summary>
    public const string CborContentType = "application/x-amz-cbor-1.1";

    /// <summary>The operation named by a target header, or null when it is not a Kinesis target.</summary>
    public static string? OperationOf(string? target)
        => target is not null && target.StartsWith(Prefix, StringComparison.Ordinal) && target.Length > Prefix.Length
            ? target[Prefix.Length..]
            : null;

    /// <summary>The wire format a content type asks for; JSON for <c>application/json</c> and the 1.0/1.1 JSON types.</summary>
    public static WireFormat? FormatOf(string? contentType)
    {
        if (contentType is null)
        {
            return WireFormat.Json;
        }
        string type = contentType.Split(';')[0].Trim();
        return type switch
        {
            CborContentType => WireFormat.Cbor,
            JsonContentType or "application/x-amz-json-1.0" or "application/json" or "" => WireFormat.Json,
            _ => null,
        };
    }
}
