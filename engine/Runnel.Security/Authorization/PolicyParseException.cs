namespace Runnel.Security.Authorization;

/// <summary>A policy document that is not valid; <see cref="Exception.Message"/> says what and where, in words fit to
/// return to the caller of PutResourcePolicy.</summary>
public sealed class PolicyParseException : Exception
{
    public PolicyParseException()
    {
    }

    public PolicyParseException(string message)
        : base(message)
    {
    }

    public PolicyParseException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
