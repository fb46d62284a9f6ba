using System.Text.Json.Nodes;

namespace Runnel.Security.Audit;

/// <summary>
/// One API call, in the shape of a CloudTrail record (eventVersion 1.09): who (<see cref="UserIdentity"/>, source
/// address, user agent), what (<see cref="EventName"/>, <see cref="RequestParameters"/> without record data), the
/// outcome (<see cref="ErrorCode"/> and <see cref="ErrorMessage"/> exactly as answered, or a small
/// <see cref="ResponseElements"/>) and the ids (<see cref="RequestId"/> = the <c>x-amzn-RequestId</c> sent,
/// <see cref="EventId"/>). Immutable; <see cref="AuditJson"/> writes it as one JSON line.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>CloudTrail's current record version.</summary>
    public const string EventVersionValue = "1.09";

    /// <summary>The service every record names.</summary>
    public const string EventSourceValue = "kinesis.amazonaws.com";

    /// <summary>When the call completed (a SubscribeToShard: when its event stream started), UTC.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>The operation as named in <c>X-Amz-Target</c>; null when the target named none.</summary>
    public required string? EventName { get; init; }

    /// <summary>The server's region.</summary>
    public required string AwsRegion { get; init; }

    /// <summary>The server's account id (CloudTrail's <c>recipientAccountId</c>).</summary>
    public required string RecipientAccountId { get; init; }

    /// <summary>The client's IP address as the server saw it (IPv4-mapped IPv6 shown as IPv4).</summary>
    public required string? SourceIpAddress { get; init; }

    /// <summary>The <c>User-Agent</c> header, if any.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Who called.</summary>
    public required AuditUserIdentity UserIdentity { get; init; }

    /// <summary>The request's members in CloudTrail's camelCase, record data removed (<see cref="AuditRedaction"/>);
    /// null when the body was not read or not decodable.</summary>
    public JsonObject? RequestParameters { get; init; }

    /// <summary>A small subset of a successful mutating call's answer; null otherwise, as CloudTrail.</summary>
    public JsonObject? ResponseElements { get; init; }

    /// <summary>The error type answered (<c>__type</c>), or null on success.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message answered, or null on success.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The <c>x-amzn-RequestId</c> the answer carried.</summary>
    public required string RequestId { get; init; }

    /// <summary>A unique id of this record.</summary>
    public required Guid EventId { get; init; }

    /// <summary>The TLS session, or null on the plain port.</summary>
    public AuditTlsDetails? TlsDetails { get; init; }

    /// <summary>Whether the call only reads (Describe*, List*, Get*, SubscribeToShard).</summary>
    public bool ReadOnly => KinesisAuditEvents.IsReadOnly(EventName);

    /// <summary>"Data" for the data-plane calls CloudTrail logs as data events, else "Management".</summary>
    public string EventCategory => KinesisAuditEvents.IsDataEvent(EventName) ? "Data" : "Management";
}

/// <summary>CloudTrail's <c>userIdentity</c>.</summary>
/// <param name="Type">IAMUser, AssumedRole, Root, Unknown (credentials not verified) or AWSAccount (anonymous).</param>
/// <param name="PrincipalId">The principal's id (here the access key id), or empty when anonymous.</param>
/// <param name="Arn">The principal's ARN, when known.</param>
/// <param name="AccountId">The principal's account, or <c>ANONYMOUS_PRINCIPAL</c>.</param>
/// <param name="AccessKeyId">The access key id the request was signed with.</param>
public sealed record AuditUserIdentity(string Type, string? PrincipalId, string? Arn, string? AccountId, string? AccessKeyId)
{
    /// <summary>A request without credentials (CloudTrail's anonymous principal).</summary>
    public static AuditUserIdentity Anonymous { get; } = new("AWSAccount", "", null, "ANONYMOUS_PRINCIPAL", null);

    /// <summary>A request signed with an access key that was not verified (<c>--auth none</c>).</summary>
    public static AuditUserIdentity Unverified(string accessKeyId, string accountId)
        => new("Unknown", accessKeyId, null, accountId, accessKeyId);

    /// <summary>An authenticated principal; the type follows its ARN (<c>:user/</c>, <c>:assumed-role/</c>, <c>:root</c>).</summary>
    public static AuditUserIdentity Authenticated(string accessKeyId, string arn, string accountId)
    {
        ArgumentNullException.ThrowIfNull(arn);
        string type = arn.Contains(":user/", StringComparison.Ordinal) ? "IAMUser"
            : arn.Contains(":assumed-role/", StringComparison.Ordinal) ? "AssumedRole"
            : arn.EndsWith(":root", StringComparison.Ordinal) ? "Root"
            : "Unknown";
        return new AuditUserIdentity(type, accessKeyId, arn, accountId, accessKeyId);
    }
}

/// <summary>CloudTrail's <c>tlsDetails</c>.</summary>
public sealed record AuditTlsDetails(string TlsVersion, string CipherSuite, string? ClientProvidedHostHeader);
