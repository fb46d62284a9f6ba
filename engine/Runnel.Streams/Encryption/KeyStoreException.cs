namespace Runnel.Streams.Encryption;

/// <summary>
/// The key file cannot be used: readable by other users, sealed and no passphrase given, a wrong passphrase, or
/// damaged. The message says which and what to do.
/// </summary>
public sealed class KeyStoreException : Exception
{
    public KeyStoreException(string message)
        : base(message)
    {
    }

    public KeyStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
