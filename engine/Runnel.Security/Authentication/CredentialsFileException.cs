namespace Runnel.Security.Authentication;

/// <summary>The credentials file cannot be read or is not valid; the message names the file and the bad entry.</summary>
public sealed class CredentialsFileException : FormatException
{
    /// <summary>An exception with a message.</summary>
    public CredentialsFileException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public CredentialsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception with no message (for serializers).</summary>
    public CredentialsFileException()
    {
    }
}
