using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Runnel.Security.Audit;

/// <summary>
/// Writes an <see cref="AuditRecord"/> as one line of JSON (CloudTrail's member names and order, <c>eventTime</c>
/// as ISO 8601 UTC with <c>Z</c>, a trailing <c>\n</c>). Strings are escaped, so a line never contains a raw newline
/// and every line parses on its own. Stateless.
/// </summary>
public static class AuditJson
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false, SkipValidation = false };

    /// <summary>The record as UTF-8 JSON followed by a newline.</summary>
    public static byte[] ToLine(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            Write(writer, record);
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The CloudTrail time format: <c>2014-04-19T00:16:31Z</c> (seconds, UTC).</summary>
    public static string FormatTime(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Write(Utf8JsonWriter w, AuditRecord r)
    {
        w.WriteStartObject();
        w.WriteString("eventVersion", AuditRecord.EventVersionValue);
        w.WriteStartObject("userIdentity");
        AuditUserIdentity id = r.UserIdentity;
        w.WriteString("type", id.Type);
        WriteOptional(w, "principalId", id.PrincipalId);
        WriteOptional(w, "arn", id.Arn);
        WriteOptional(w, "accountId", id.AccountId);
        WriteOptional(w, "accessKeyId", id.AccessKeyId);
        w.WriteEndObject();
        w.WriteString("eventTime", FormatTime(r.EventTime));
        w.WriteString("eventSource", AuditRecord.EventSourceValue);
        w.WriteString("eventName", r.EventName);
        w.WriteString("awsRegion", r.AwsRegion);
        w.WriteString("sourceIPAddress", r.SourceIpAddress);
        w.WriteString("userAgent", r.UserAgent);
        WriteOptional(w, "errorCode", r.ErrorCode);
        WriteOptional(w, "errorMessage", r.ErrorMessage);
        w.WritePropertyName("requestParameters");
        if (r.RequestParameters is null)
        {
            w.WriteNullValue();
        }
        else
        {
            r.RequestParameters.WriteTo(w);
        }
        w.WritePropertyName("responseElements");
        if (r.ResponseElements is null)
        {
            w.WriteNullValue();
        }
        else
        {
            r.ResponseElements.WriteTo(w);
        }
        w.WriteString("requestID", r.RequestId);
        w.WriteString("eventID", r.EventId.ToString("D"));
        w.WriteBoolean("readOnly", r.ReadOnly);
        w.WriteString("eventType", "AwsApiCall");
        w.WriteBoolean("managementEvent", r.EventCategory == "Management");
        w.WriteString("recipientAccountId", r.RecipientAccountId);
        w.WriteString("eventCategory", r.EventCategory);
        if (r.TlsDetails is { } tls)
        {
            w.WriteStartObject("tlsDetails");
            w.WriteString("tlsVersion", tls.TlsVersion);
            w.WriteString("cipherSuite", tls.CipherSuite);
            WriteOptional(w, "clientProvidedHostHeader", tls.ClientProvidedHostHeader);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
