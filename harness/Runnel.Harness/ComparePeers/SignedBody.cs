using System.Globalization;
using Runnel.Protocol;
using Runnel.Security.Authentication;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// A request body with its operation, and the SigV4 Authorization for the current second (recomputed when the
/// second or the host changes), so the generator does not hash a 0.7 MB body per call. Thread-safe: the cached
/// signature is one immutable tuple swapped atomically.
/// </summary>
public sealed class SignedBody(string operation, byte[] payload)
{
    /// <summary>The dummy access key id (kinesis-mock reads a 12-digit one as an account id; this one is not).</summary>
    public const string AccessKeyId = "AKIDEXAMPLE";

    /// <summary>The dummy secret that goes with <see cref="AccessKeyId"/> (the targets check no signature; Runnel runs without --auth).</summary>
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// <summary>The region of the signing scope.</summary>
    public const string Region = "us-east-1";

    private static readonly string[] s_signedHeaders = ["content-type", "host", "x-amz-date", "x-amz-target"];

    private Tuple<string, string, string>? _signature; // host, x-amz-date, Authorization

    /// <summary>The JSON body.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>The X-Amz-Target value.</summary>
    public string Target { get; } = KinesisTarget.Prefix + operation;

    /// <summary>The x-amz-date and Authorization values for a call at <paramref name="now"/> to <paramref name="host"/>.</summary>
    public (string AmzDate, string Authorization) Signature(DateTime now, string host)
    {
        string amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        Tuple<string, string, string>? cached = Volatile.Read(ref _signature);
        if (cached is not null && cached.Item1 == host && cached.Item2 == amzDate)
        {
            return (amzDate, cached.Item3);
        }
        var unsigned = new SigV4Request("POST", "/", "", new Dictionary<string, IReadOnlyList<string>>
        {
            ["content-type"] = [KinesisTarget.JsonContentType],
            ["host"] = [host],
            ["x-amz-date"] = [amzDate],
            ["x-amz-target"] = [Target],
        });
        string authorization = SigV4Signer.Authorization(unsigned, Payload, AccessKeyId, SecretAccessKey, Region, s_signedHeaders);
        Volatile.Write(ref _signature, Tuple.Create(host, amzDate, authorization));
        return (amzDate, authorization);
    }
}
