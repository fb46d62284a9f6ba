namespace Runnel.Security.Authentication;

/// <summary>How the server authenticates requests.</summary>
public enum AuthenticationMode
{
    /// <summary>Nothing is verified: any credentials (or none) are accepted, as every Kinesis emulator does.</summary>
    None,

    /// <summary>Every request must carry a valid AWS Signature Version 4 from a principal of the credentials file.</summary>
    SigV4,
}
